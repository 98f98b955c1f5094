# versus.gp — the native runtime against CPython on the same scenario and setting: RSS
# against iteration, one line per GC mode and runtime — native solid, CPython dashed, the
# same colour for the same mode — each the median over the repeats that succeeded with its
# min–max band. Runs that stopped early are left out (rss.gp shows them). Driven by
# `bench plot` / `bench run` (harness/read/plot.c) when both runtimes ran; usable by hand:
#
#   gnuplot -c versus.gp NATIVE_DATAFILE CPYTHON_DATAFILE OUTFILE TITLE FORMAT \
#       NATIVE_SERIES CPYTHON_SERIES
#
#   *_DATAFILE  the two settings' data files, as rss.gp reads them.
#   OUTFILE     the image to write.
#   TITLE       the plot's title.
#   FORMAT      png or svg.
#   *_SERIES    the files' series, as rss.gp takes them.
#
# Example: gnuplot -c versus.gp plots/x-native-py311-pymalloc-700_10_10.dat \
#              plots/x-python-cpython-pymalloc-700_10_10.dat /tmp/v.png "x" png \
#              "forced auto" "forced auto"
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 7) {
    print "usage: gnuplot -c versus.gp NATIVE_DATAFILE CPYTHON_DATAFILE OUTFILE TITLE FORMAT"
    print "       NATIVE_SERIES CPYTHON_SERIES (see its header)"
    exit status 2
}
here = ARG0
while (strlen(here) > 0 && here[strlen(here):strlen(here)] ne "/") {
    here = here[1:strlen(here) - 1]
}
native_file = ARG1
cpython_file = ARG2
outfile = ARG3
plot_title = ARG4
format = ARG5
native_series = ARG6
cpython_series = ARG7
native_n = words(native_series)
cpython_n = words(cpython_series)

width = 800
height = 520
font_size = 11
load here."common.gp"
set output outfile

set key autotitle columnhead
stats native_file using 1 nooutput
last_iteration = STATS_max
stats cpython_file using 1 nooutput
last_iteration = STATS_max > last_iteration ? STATS_max : last_iteration

set title plot_title
set xlabel "iteration (0 = start, after setup)"
set ylabel "RSS (MiB)"
set key outside bottom center horizontal Left reverse width 1 maxcols 3
set grid
set rmargin 4
set yrange [0:*]
set xrange [0:(last_iteration > 0 ? last_iteration : 1)]
if (last_iteration <= 20) { set xtics 1 } else { set xtics autofreq }
point_size = (last_iteration <= 50) ? 0.7 : 0.0

# Columns of series i: median 3i-1, min 3i, max 3i+1; a failed run's series draws nothing
# and has no key entry.
shown(w, c) = is_failed(w) ? NaN : c
plot for [i=1:native_n] native_file \
         using 1:(shown(word(native_series, i), column(3*i))):(column(3*i+1)) \
         with filledcurves fillcolor rgb mode_colour(word(native_series, i)) \
         fillstyle transparent solid 0.18 noborder notitle, \
     for [i=1:cpython_n] cpython_file \
         using 1:(shown(word(cpython_series, i), column(3*i))):(column(3*i+1)) \
         with filledcurves fillcolor rgb mode_colour(word(cpython_series, i)) \
         fillstyle transparent solid 0.10 noborder notitle, \
     for [i=1:native_n] native_file using 1:(shown(word(native_series, i), column(3*i-1))) \
         with linespoints linewidth 2 pointtype mode_point(word(native_series, i)) \
         pointsize point_size linecolor rgb mode_colour(word(native_series, i)) dashtype 1 \
         title (is_failed(word(native_series, i)) ? "" : \
                mode_title(word(native_series, i)).", native runtime"), \
     for [i=1:cpython_n] cpython_file using 1:(shown(word(cpython_series, i), column(3*i-1))) \
         with linespoints linewidth 2 pointtype mode_open_point(word(cpython_series, i)) \
         pointsize point_size linecolor rgb mode_colour(word(cpython_series, i)) dashtype 2 \
         title (is_failed(word(cpython_series, i)) ? "" : \
                mode_title(word(cpython_series, i)).", CPython")
