# rss.gp — RSS against iteration for one setting: one line per GC mode (the median over the
# repeats that succeeded) with its min–max band, a dashed line for each run that stopped
# early, and, where the runs have tick samples, a thin line per mode of one run's RSS read
# every --interval-ms (see README.md, "Tick samples on the iteration axis"). Driven by
# `bench plot` / `bench run` (harness/read/plot.c); usable by hand:
#
#   gnuplot -c rss.gp DATAFILE OUTFILE TITLE FORMAT SERIES [TICKFILE TICKSERIES TICKTITLE
#                     [YLABEL]]
#   gnuplot -e "fitfile = 'FITFILE'; fitseries = 'FITSERIES'" -c rss.gp …   (the same, with
#                     the verdict's fitted growth: gnuplot takes no more than 9 arguments)
#
#   DATAFILE  whitespace-separated; lines starting with '#' are comments; the first other line
#             holds the column titles, double-quoted; then one line per iteration: column 1
#             the iteration (0 = the baseline after setup), then three columns per series:
#             median, min, max RSS in MiB. NaN = no sample (the line breaks there).
#   OUTFILE   the image to write (its folder must exist).
#   TITLE     the plot's title, shown as is (no enhanced-text markup: '_' stays '_'); a line
#             break in it starts a second line.
#   FORMAT    png (pngcairo when this gnuplot has it, else png) or svg.
#   SERIES    one word per series, in column order: forced, auto or off (which sets the
#             colour), followed by ":failed" for a single run that stopped early (dashed,
#             no band). Its series' title is the median column's title in DATAFILE.
#   TICKFILE  optional ("" = none): one run per mode, one block each, blocks two blank lines
#             apart, each headed by its title (double-quoted) and two more words; rows in
#             time order: the iteration (a tick's as a fraction: its time placed between the
#             boundary samples around it), RSS in MiB, seconds since the run started. Drawn as
#             thin see-through lines of the mode's colour.
#   TICKSERIES  one mode word per block of TICKFILE (sets its colour).
#   TICKTITLE   the one key entry for all the thin lines (a grey sample).
#   YLABEL    optional: the y axis' label (default "RSS (MiB)"); for a setting whose RSS is not
#             comparable (Pyodide) the columns hold the live instances of the scenario's
#             classes instead, and the label says so.
#   FITFILE   optional (the variable fitfile): the verdict's fitted growth, one block per mode,
#             blocks two blank lines apart, each headed by its mode (double-quoted) and two
#             more words, then two rows "x y": the ends of a straight line over the later half
#             of the run (the iterations the verdict judges). Drawn dashed in the mode's
#             colour, with one key entry for them all.
#   FITSERIES (the variable fitseries) one mode word per block of FITFILE (sets its colour).
#
# Example: gnuplot -c rss.gp cross_reference.dat cross_reference.png "cross_reference" png \
#              "forced auto auto:failed"
# Exit status: 0 written; 2 wrong arguments; gnuplot's own (non-zero) on a bad data file.

if (ARGC != 5 && ARGC != 8 && ARGC != 9) {
    print "usage: gnuplot -c rss.gp DATAFILE OUTFILE TITLE FORMAT SERIES"
    print "       [TICKFILE TICKSERIES TICKTITLE [YLABEL]] (see the header of rss.gp)"
    exit status 2
}
here = ARG0
while (strlen(here) > 0 && here[strlen(here):strlen(here)] ne "/") {
    here = here[1:strlen(here) - 1]
}

datafile = ARG1
outfile = ARG2
panel_title = ARG3
format = ARG4
series = ARG5
tickfile = (ARGC >= 8 && ARG6 ne "") ? ARG6 : datafile
tickseries = (ARGC >= 8) ? ARG7 : ""
ticktitle = (ARGC >= 8) ? ARG8 : ""
ntick = (ARGC >= 8 && ARG6 ne "") ? words(tickseries) : 0
ylabel_text = (ARGC == 9 && ARG9 ne "") ? ARG9 : "RSS (MiB)"
nfit = (exists("fitfile") && exists("fitseries")) ? words(fitseries) : 0
if (nfit == 0) { fitfile = datafile; fitseries = "" }
compact = 0
if (words(series) < 1) {
    print "rss.gp: SERIES is empty; give one word per series (forced, auto, off, …:failed)"
    exit status 2
}

width = 800
height = 500
font_size = 11
load here."common.gp"
set output outfile
load here."rss_panel.gp"
