# thresholds.gp — what the GC threshold changes, for one scenario and runtime run at several
# thresholds: four panels against threshold0 (the first generation's threshold, log scale) —
# RSS after the last iteration, peak RSS, collections per run, total GC pause per run — one
# line per GC mode, the median over the repeats that succeeded with their min–max as error
# bars. Driven by `bench plot` / `bench run` (harness/read/plot.c); usable by hand:
#
#   gnuplot -c thresholds.gp DATAFILE OUTFILE TITLE FORMAT MODES [SHOWN]
#
#   DATAFILE  whitespace-separated; '#' lines are comments; the first other line holds the
#             column titles, double-quoted; then one line per threshold, by threshold0:
#             column 1 threshold0, column 2 the whole threshold as run ("700/10/10",
#             double-quoted), then per mode, per figure (final RSS MiB, peak RSS MiB,
#             collections, total pause ms) three columns: median, min, max. NaN = none.
#   OUTFILE   the image to write.
#   TITLE     the page's title.
#   FORMAT    png or svg.
#   MODES     one word per mode in column order: forced, auto or off.
#   SHOWN     optional: four words, 1 or 0, whether each figure has a value anywhere in
#             DATAFILE (default all 1); a figure with none gets an empty panel saying so
#             (gnuplot cannot draw a plot without a single point).
#
# Example: gnuplot -c thresholds.gp results/latest/plots/cross_reference-native-thresholds.dat \
#              /tmp/t.png "cross_reference" png "forced auto"
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 5 && ARGC != 6) {
    print "usage: gnuplot -c thresholds.gp DATAFILE OUTFILE TITLE FORMAT MODES [SHOWN]"
    print "       (see its header)"
    exit status 2
}
here = ARG0
while (strlen(here) > 0 && here[strlen(here):strlen(here)] ne "/") {
    here = here[1:strlen(here) - 1]
}
datafile = ARG1
outfile = ARG2
page_title = ARG3
format = ARG4
modes = ARG5
shown = (ARGC == 6) ? ARG6 : "1 1 1 1"
nmodes = words(modes)
if (nmodes < 1) {
    print "thresholds.gp: MODES is empty; give one word per mode (forced, auto, off)"
    exit status 2
}

width = 1100
height = 800
font_size = 11
load here."common.gp"
set output outfile

set key autotitle columnhead
stats datafile using 1 nooutput
xmin = STATS_min
xmax = STATS_max

# Figure f of mode m: median in column 3 + 12(m-1) + 3(f-1), then min, max.
col(m, f) = 3 + 12 * (m - 1) + 3 * (f - 1)
array panel_titles[4] = ["RSS after the last iteration", "peak RSS", \
                         "collections per run", "total GC pause per run"]
array panel_ylabels[4] = ["RSS (MiB)", "peak RSS (MiB)", "collections", "pause (ms)"]

# The page: four panels and one key under its title, drawn with the first panel that has data.
set multiplot layout 2, 2 title page_title font sprintf("DejaVu Sans,%d", 13) \
    margins 0.08, 0.97, 0.08, 0.85 spacing 0.09, 0.15
set logscale x
set xrange [xmin / 1.5:xmax * 1.5]
set xlabel "GC threshold 0 (first generation; log scale)"
set grid
key_drawn = 0
set yrange [0:*]
set offsets graph 0, graph 0, graph 0.08, graph 0
set bars small
do for [f=1:4] {
    set title panel_titles[f]
    set ylabel panel_ylabels[f]
    if (word(shown, f) eq "0") {
        set label 1 "not recorded in runs.csv" at graph 0.5, 0.5 center
        set yrange [0:1]
        unset xtics
        unset ytics
        plot -1 notitle
        unset label 1
        set yrange [0:*]
        set xtics
        set ytics
    } else {
        if (key_drawn) {
            unset key
        } else {
            set key at screen 0.5, screen 0.91 center center horizontal Left reverse samplen 3
            key_drawn = 1
        }
        # The whole thresholds ("700/10/10") label the ticks, at their threshold0.
        plot for [m=1:nmodes] datafile \
                 using 1:(column(col(m, f))):(column(col(m, f) + 1)):(column(col(m, f) + 2)) \
                       :xtic(2) \
                 with yerrorlines linewidth 2 pointtype mode_point(word(modes, m)) \
                 pointsize 0.9 \
                 linecolor rgb mode_colour(word(modes, m)) title mode_title(word(modes, m))
    }
}
unset multiplot
