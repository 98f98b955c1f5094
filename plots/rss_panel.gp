# rss_panel.gp — one panel of RSS against iteration, drawn by rss.gp (a page of its own) and
# overview.gp (one panel of a grid); never run on its own. The loader sets:
#
#   datafile     the setting's data file (see rss.gp)
#   series       one word per series of datafile (see rss.gp)
#   panel_title  the title above the panel
#   tickfile, ntick, tickseries, ticktitle   the tick samples' file, its number of blocks (0:
#                none; the file is then never read), one mode word per block and the key entry
#                of them all (see rss.gp)
#   fitfile, nfit, fitseries   the verdict's fitted growth lines' file, its number of blocks
#                (0: none; the file is then never read), one mode word per block (see rss.gp)
#   compact      1 in the overview's grid: the key inside the panel, no tick samples
#   ylabel_text  the y axis' label ("RSS (MiB)"; the live instances of the scenario's classes
#                for a setting whose RSS is not comparable)
#
# The colours come from common.gp, loaded before.

nseries = words(series)
set key autotitle columnhead
stats datafile using 1 nooutput
last_iteration = STATS_max

set title panel_title
set xlabel (compact ? "iteration" : "iteration (0 = start, after setup)")
set ylabel ylabel_text
if (compact) {
    set key inside top left Left reverse width 1 samplen 2 spacing 0.9 \
        box opaque
} else {
    set key outside bottom center horizontal Left reverse width 1
}
set grid
set rmargin 4
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
set xrange [0:(last_iteration > 0 ? last_iteration : 1)]
if (last_iteration <= 20) { set xtics 1 } else { set xtics autofreq }
set mxtics default
point_size = (last_iteration <= 50) ? (compact ? 0.5 : 0.7) : 0.0

# Columns of series i: median 3i-1, min 3i, max 3i+1. The tick samples are a thin
# see-through line of the mode's colour over the medians, with one key entry for them all.
plot for [i=1:nseries] datafile using 1:(column(3*i)):(column(3*i+1)) \
         with filledcurves fillcolor rgb mode_colour(word(series, i)) \
         fillstyle transparent solid 0.22 noborder notitle, \
     for [i=1:nseries] datafile using 1:(column(3*i-1)) \
         with linespoints linewidth 2 pointtype mode_point(word(series, i)) \
         pointsize point_size linecolor rgb mode_colour(word(series, i)) \
         dashtype 1+is_failed(word(series, i)) \
         title columnhead(3*i-1), \
     for [j=1:ntick] tickfile index (j-1) using 1:2 with lines linewidth 1 \
         linecolor rgb see_through(mode_colour(word(tickseries, j)), "60") notitle, \
     for [j=1:(ntick > 0)] keyentry with lines linewidth 1 linecolor rgb "#909090" \
         title ticktitle, \
     for [j=1:nfit] fitfile index (j-1) using 1:2 with lines linewidth 2 dashtype 2 \
         linecolor rgb mode_colour(word(fitseries, j)) notitle, \
     for [j=1:(nfit > 0)] keyentry with lines linewidth 2 dashtype 2 linecolor rgb "#404040" \
         title "verdict's growth fit (later half)"
