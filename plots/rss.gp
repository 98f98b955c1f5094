# rss.gp — RSS against iteration for one setting: one line per GC mode (the median over the
# repeats that succeeded) with its min–max band, plus a dashed line for each run that stopped
# early. Driven by `bench plot` / `bench run` (harness/plot.c); usable by hand:
#
#   gnuplot -c rss.gp DATAFILE OUTFILE TITLE FORMAT SERIES
#
#   DATAFILE  whitespace-separated; lines starting with '#' are comments; the first other line
#             holds the column titles, double-quoted; then one line per iteration: column 1
#             the iteration (0 = the baseline after setup), then three columns per series:
#             median, min, max RSS in MiB. NaN = no sample (the line breaks there).
#   OUTFILE   the image to write (its folder must exist).
#   TITLE     the plot's title, shown as is (no enhanced-text markup: '_' stays '_').
#   FORMAT    png (pngcairo when this gnuplot has it, else png) or svg.
#   SERIES    one word per series, in column order: forced, auto or off (which sets the
#             colour), followed by ":failed" for a single run that stopped early (dashed,
#             no band). Its series' title is the median column's title in DATAFILE.
#
# Example: gnuplot -c rss.gp cross_reference.dat cross_reference.png "cross_reference" png \
#              "forced auto auto:failed"
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 5) {
    print "usage: gnuplot -c rss.gp DATAFILE OUTFILE TITLE FORMAT SERIES (see the header of rss.gp)"
    exit status 2
}
datafile = ARG1
outfile = ARG2
plot_title = ARG3
format = ARG4
series = ARG5
nseries = words(series)
if (nseries < 1) {
    print "rss.gp: SERIES is empty; give one word per series (forced, auto, off, …:failed)"
    exit status 2
}

if (format eq "svg") {
    set terminal svg size 800,500 dynamic font "DejaVu Sans,12" background rgb "white"
} else {
    if (format ne "png") {
        print sprintf("rss.gp: FORMAT is '%s'; use png or svg", format)
        exit status 2
    }
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
        set terminal pngcairo size 800,500 font "DejaVu Sans,11"
    } else {
        set terminal png size 800,500 font "DejaVu Sans,11"
    }
}
set termoption noenhanced
set output outfile

# Colours per mode (Okabe–Ito, readable by colour-blind readers): With GC blue, Without GC
# vermillion, GC off green.
mode_of(w) = (strstrt(w, "forced") == 1) ? 1 : (strstrt(w, "auto") == 1) ? 2 : 3
colour(i) = word("#0072B2 #D55E00 #009E73", mode_of(word(series, i)))
failed(i) = strstrt(word(series, i), ":failed") > 0

set key autotitle columnhead
stats datafile using 1 nooutput
last_iteration = STATS_max

set title plot_title
set xlabel "iteration (0 = start, after setup)"
set ylabel "RSS (MiB)"
set key outside bottom center horizontal Left reverse width 1
set grid
set yrange [0:*]
set xrange [0:(last_iteration > 0 ? last_iteration : 1)]
if (last_iteration <= 20) { set xtics 1 }
set mxtics default
point_size = (last_iteration <= 50) ? 0.7 : 0.0

# Columns of series i: median 3i-1, min 3i, max 3i+1.
plot for [i=1:nseries] datafile using 1:(column(3*i)):(column(3*i+1)) \
         with filledcurves fillcolor rgb colour(i) fillstyle transparent solid 0.22 noborder \
         notitle, \
     for [i=1:nseries] datafile using 1:(column(3*i-1)) \
         with linespoints linewidth 2 pointtype 7 pointsize point_size \
         linecolor rgb colour(i) dashtype 1+failed(i) title columnhead(3*i-1)
