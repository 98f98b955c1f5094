# lines.gp — one figure of a scenario's settings side by side against iteration: a panel per
# GC mode, one line per setting (a runtime, a policy, as `bench report` names them) — the
# live instances of the scenario's class, or the RSS of the settings whose RSS is comparable.
# Driven by `bench plot` / `bench run` (harness/read/plot.c) when a scenario ran in several
# runtimes or policies; usable by hand:
#
#   gnuplot -c lines.gp DATAFILE OUTFILE TITLE FORMAT YLABEL STYLES MODES [YMAX]
#
#   DATAFILE  whitespace-separated; '#' lines are comments; the first other line holds the
#             column titles, double-quoted; then one line per iteration: column 1 the
#             iteration (0 = the baseline after setup), then, per mode in MODES, one column
#             per setting: the median over its runs that succeeded. NaN = no sample.
#   OUTFILE   the image to write.
#   TITLE     the page's title; a line break in it starts a second line.
#   FORMAT    png or svg.
#   YLABEL    the y axis' label.
#   STYLES    one word per setting, "COLOUR:DASH:POINT" (#RRGGBB, a gnuplot dashtype, a point
#             type): its line in every panel.
#   MODES     one word per panel, in column order: forced, auto or off (its title).
#   YMAX      optional: a number above 0 gives every panel the y scale [0:YMAX] (counts of
#             objects, where a flat line at 0 in one mode means as much as a climb in
#             another); 0 or absent, each panel its own (RSS: the detail of a flat mode stays
#             visible). The harness computes it: gnuplot's stats cannot read a column that is
#             all NaN without a warning.
#
# Example: gnuplot -c lines.gp plots/cross_reference-instances.dat /tmp/i.png \
#              "cross_reference" png "live B instances" "#0072B2:1:7 #D55E00:1:7" "auto forced"
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 7 && ARGC != 8) {
    print "usage: gnuplot -c lines.gp DATAFILE OUTFILE TITLE FORMAT YLABEL STYLES MODES [YMAX]"
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
ylabel_text = ARG5
styles = ARG6
modes = ARG7
npanels = words(modes)
if (words(styles) < 1 || npanels < 1) {
    print "lines.gp: STYLES and MODES need one word each at least (see its header)"
    exit status 2
}

y_max = (ARGC == 8) ? real(ARG8) : 0

# Side by side, each panel 720×520 pixels.
width = 720 * npanels
height = 580
font_size = 11
load here."common.gp"
set output outfile
set multiplot layout 1, npanels title page_title font sprintf("DejaVu Sans,%d", 13)
compact = 0
do for [p=1:npanels] {
    first_col = 1 + (p - 1) * words(styles)
    panel_title = mode_title(word(modes, p))
    show_key = (p == 1)
    load here."lines_panel.gp"
}
unset multiplot
