# lines_panel.gp — one panel of a figure against iteration, one line per setting (a runtime,
# a policy): drawn by lines.gp (a page of one panel per GC mode) and overview.gp (a scenario's
# panel in the grid); never run on its own. The loader sets:
#
#   datafile     the data file (see lines.gp)
#   first_col    the panel's first column minus 1: its series are columns first_col+1 …
#                first_col+nseries (column 1 is the iteration)
#   styles       one word per series, "COLOUR:DASH:POINT" (#RRGGBB, a gnuplot dashtype, a
#                point type); nseries = words(styles)
#   panel_title  the title above the panel
#   ylabel_text  the y axis' label
#   show_key     1: a key, inside the panel at its top left; 0: none (another panel has it)
#   compact      1 in the overview's grid: smaller points
#   y_max        the top of the y axis (0: as the panel's data needs, which must not be all 0)
#
# The series' titles are the column titles of the data file's first line.

nseries = words(styles)
style_colour(w) = w[1:7]
style_dash(w) = int(w[9:9])
style_point(w) = int(w[11:strlen(w)])
set key autotitle columnhead
set autoscale # stats reads within the ranges a previous panel set
stats datafile using 1 nooutput
last_iteration = STATS_max

set title panel_title
set xlabel (compact ? "iteration" : "iteration (0 = start, after setup)")
set ylabel ylabel_text
if (show_key) {
    set key inside top left Left reverse width 1 samplen 3 spacing 0.9 box opaque
} else {
    unset key
}
set grid
set rmargin 4
if (y_max > 0) {
    set yrange [0:y_max]
    set offsets 0, 0, 0, 0
} else {
    set yrange [0:*]
    set offsets 0, 0, graph 0.05, 0
}
set xrange [0:(last_iteration > 0 ? last_iteration : 1)]
if (last_iteration <= 20) { set xtics 1 } else { set xtics autofreq }
set mxtics default
point_size = (last_iteration <= 50) ? (compact ? 0.6 : 0.9) : 0.0

# Lines drawn later go on top: each is a little thinner than the one before (from 4.5 down to
# 2), so that settings whose lines coincide (a policy and the interpreter it models, two
# collectors that behave alike) still show each other's colour at the edges.
line_width(i) = nseries > 1 ? 4.5 - 2.5 * (i - 1) / (nseries - 1) : 2.0
plot for [i=1:nseries] datafile using 1:(column(first_col + i)) \
         with linespoints linewidth line_width(i) pointtype style_point(word(styles, i)) \
         pointsize point_size linecolor rgb style_colour(word(styles, i)) \
         dashtype style_dash(word(styles, i)) \
         title columnhead(first_col + i)
