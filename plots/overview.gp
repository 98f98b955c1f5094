# overview.gp — a results folder on one page: a grid of panels, each drawn as rss.gp draws a
# setting (lines and bands per GC mode; no tick samples) or as lines.gp draws one mode of a
# scenario's settings side by side (a line per runtime or policy). Driven by `bench plot` /
# `bench run` (harness/read/plot.c) when a results folder has two settings or more; usable by hand:
#
#   gnuplot -c overview.gp LISTFILE OUTFILE TITLE FORMAT [NCOLS]
#
#   LISTFILE  one line per panel ('#' lines are comments), four to seven double-quoted words:
#             the panel's data file (a path relative to LISTFILE's folder), its SERIES (as
#             rss.gp takes them) or STYLES (as lines.gp takes them), the two lines of its title
#             (the second may be ""), then optionally its kind ("rss", the default, or
#             "lines"), for "lines" the first column of its series minus 1 (as a word),
#             its y axis' label (default "RSS (MiB)"), and for "lines" the top of its y axis
#             (0 or absent: as its data needs).
#   OUTFILE   the image to write.
#   TITLE     the page's title.
#   FORMAT    png or svg.
#   NCOLS     optional: the grid's columns (0 or absent: as square a grid as fits); 2 gives a
#             scenario's two side-by-side panels a row of their own.
#
# Example: gnuplot -c overview.gp results/latest/plots/overview.list /tmp/o.png "all" png
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 4 && ARGC != 5) {
    print "usage: gnuplot -c overview.gp LISTFILE OUTFILE TITLE FORMAT [NCOLS] (see its header)"
    exit status 2
}
here = ARG0
while (strlen(here) > 0 && here[strlen(here):strlen(here)] ne "/") {
    here = here[1:strlen(here) - 1]
}
listfile = ARG1
listdir = listfile
while (strlen(listdir) > 0 && listdir[strlen(listdir):strlen(listdir)] ne "/") {
    listdir = listdir[1:strlen(listdir) - 1]
}
outfile = ARG2
page_title = ARG3
format = ARG4

# Read the list: count its lines, then fill the arrays from a plot into a table no one keeps
# (gnuplot has no other way to read strings from a file).
stats listfile using 0 nooutput
npanels = STATS_records
if (npanels < 1) {
    print sprintf("overview.gp: %s lists no panels", listfile)
    exit status 2
}
array panel_file[npanels]
array panel_series[npanels]
array panel_title1[npanels]
array panel_title2[npanels]
array panel_kind[npanels]
array panel_col[npanels]
array panel_ylabel[npanels]
array panel_ymax[npanels]
set xrange [-1:1]
set yrange [-1:1]
set table $unused
plot listfile using (k = int($0) + 1, panel_file[k] = strcol(1), panel_series[k] = strcol(2), \
                     panel_title1[k] = strcol(3), panel_title2[k] = strcol(4), \
                     panel_kind[k] = strcol(5), panel_col[k] = strcol(6), \
                     panel_ylabel[k] = strcol(7), panel_ymax[k] = strcol(8), 0):(0) with points
unset table
unset xrange
unset yrange

# As square a grid as fits the panels; each panel 560×380 pixels, readable at that size.
ncols = (ARGC == 5 && int(ARG5) > 0) ? int(ARG5) : ceil(sqrt(npanels))
ncols = ncols > npanels ? npanels : ncols
nrows = ceil(real(npanels) / ncols)
width = 560 * ncols
height = 380 * nrows + 50
font_size = 10
load here."common.gp"
set output outfile
set multiplot layout nrows, ncols title page_title font sprintf("DejaVu Sans,%d", 13)
compact = 1
ntick = 0
nfit = 0
do for [p=1:npanels] {
    datafile = listdir.panel_file[p]
    tickfile = datafile
    tickseries = ""
    ticktitle = ""
    fitfile = datafile
    fitseries = ""
    panel_title = panel_title1[p].(panel_title2[p] ne "" ? "\n".panel_title2[p] : "")
    ylabel_text = panel_ylabel[p] ne "" ? panel_ylabel[p] : "RSS (MiB)"
    if (panel_kind[p] eq "lines") {
        styles = panel_series[p]
        first_col = int(panel_col[p])
        show_key = 1
        y_max = panel_ymax[p] ne "" ? real(panel_ymax[p]) : 0
        load here."lines_panel.gp"
    } else {
        series = panel_series[p]
        load here."rss_panel.gp"
    }
}
unset multiplot
