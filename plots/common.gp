# common.gp — what every gcbench plot shares: the terminal and the colours of the GC modes.
# Loaded by rss.gp, overview.gp, thresholds.gp and versus.gp (never run on its own); they set
# before loading it:
#
#   format     "png" (pngcairo when this gnuplot has it, else png) or "svg"
#   width, height, font_size   the picture's size in pixels and its font size in points
#
# It exits with status 2 for any other format. Text is shown as is (noenhanced: '_' stays
# '_', never a subscript).

if (format eq "svg") {
    set terminal svg size width,height dynamic font sprintf("DejaVu Sans,%d", font_size) \
        background rgb "white"
} else {
    if (format ne "png") {
        print sprintf("%s: FORMAT is '%s'; use png or svg", ARG0, format)
        exit status 2
    }
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
        set terminal pngcairo size width,height font sprintf("DejaVu Sans,%d", font_size)
    } else {
        set terminal png size width,height font sprintf("DejaVu Sans,%d", font_size)
    }
}
set termoption noenhanced

# A series word is forced, auto or off, followed by ":failed" for a single run that stopped
# early. Colours per mode (Okabe–Ito, readable by colour-blind readers): With GC blue,
# Without GC vermillion, GC off green.
mode_of(w) = (strstrt(w, "forced") == 1) ? 1 : (strstrt(w, "auto") == 1) ? 2 : 3
mode_colour(w) = word("#0072B2 #D55E00 #009E73", mode_of(w))
mode_title(w) = mode_of(w) == 1 ? "With GC" : mode_of(w) == 2 ? "Without GC" : "GC off"
# Point shapes per mode, so that lines that coincide still show which modes they are: a
# circle, a square, a triangle (filled; mode_open_point gives the same shapes hollow).
mode_point(w) = word("7 5 9", mode_of(w)) + 0
mode_open_point(w) = word("6 4 8", mode_of(w)) + 0
is_failed(w) = strstrt(w, ":failed") > 0
# A colour made see-through: gnuplot's "#AARRGGBB", AA = 00 opaque … FF invisible.
see_through(c, alpha) = "#".alpha.c[2:7]

