/* verdict.c — released / delayed / leak / uncollectable from growth figures (see verdict.h).
 * One rule for both bases; only the floor of the limit and the words of the reason differ. */
#include "verdict.h"

#include <stdio.h>

const char *const verdict_basis_names[2] = {"rss", "class_objects"};

/* How a basis' figures read in a reason: value / scale with `decimals`, then unit. */
typedef struct basis_words {
    double floor, scale;
    int decimals;
    const char *unit;   /* "MiB", "objects" */
    const char *prefix; /* before the reason: what was judged, when it is not RSS */
} basis_words;

static const basis_words words_of[2] = {
    [VERDICT_BASIS_RSS] = {VERDICT_MIN_LIMIT_BYTES, 1048576.0, 2, "MiB", ""},
    [VERDICT_BASIS_CLASS_OBJECTS] = {VERDICT_MIN_LIMIT_OBJECTS, 1.0, 1, "objects",
                                     "by live instances of the scenario's classes (RSS not "
                                     "comparable): "},
};

void verdict_decide(const verdict_input *in, verdict *out)
{
    const basis_words *w = &words_of[in->basis == VERDICT_BASIS_CLASS_OBJECTS];
    const verdict_mode *forced = &in->mode[0], *autom = &in->mode[1];
    double limit = VERDICT_FOOTPRINT_SHARE * in->footprint;
    if (limit < w->floor)
        limit = w->floor;
    out->basis = in->basis;
    out->limit_per_iter = limit;
    int dp = w->decimals;
    double sc = w->scale;
    const char *u = w->unit, *pre = w->prefix;

    if (in->basis == VERDICT_BASIS_CLASS_OBJECTS && in->basis_missing) {
        out->name = "inconclusive";
        snprintf(out->reason, sizeof out->reason,
                 "RSS is not comparable here and no run counted an instance of the scenario's "
                 "classes: nothing to judge by");
        return;
    }
    if (!forced->present) {
        if (autom->present && autom->growth_per_iter <= limit) {
            out->name = "released";
            snprintf(out->reason, sizeof out->reason,
                     "%sflat without forced collection (%+.*f %s/iter, limit %.*f); "
                     "no forced run was needed",
                     pre, dp, autom->growth_per_iter / sc, u, dp, limit / sc);
        } else {
            out->name = "inconclusive";
            snprintf(out->reason, sizeof out->reason,
                     "%sno successful forced-collection run: leak and delayed cannot be told "
                     "apart",
                     pre);
        }
        return;
    }
    if (forced->growth_per_iter > limit) {
        bool garbage = forced->garbage_growth_per_iter >= 0.5;
        out->name = garbage ? "uncollectable" : "leak";
        snprintf(out->reason, sizeof out->reason,
                 "%sgrows %+.*f %s/iter even with forced collection (limit %.*f)%s", pre, dp,
                 forced->growth_per_iter / sc, u, dp, limit / sc,
                 garbage ? "; gc.garbage grows" : "");
        return;
    }
    if (!autom->present) {
        out->name = "inconclusive";
        snprintf(out->reason, sizeof out->reason,
                 "%sflat with forced collection (%+.*f %s/iter); no auto run to tell released "
                 "from delayed",
                 pre, dp, forced->growth_per_iter / sc, u);
        return;
    }
    double excess = autom->mean - forced->mean;
    if (autom->growth_per_iter > limit || excess > in->footprint / 2) {
        out->name = "delayed";
        snprintf(out->reason, sizeof out->reason,
                 "%sflat with forced collection (%+.*f %s/iter) but not without it (%+.*f "
                 "%s/iter, mean %+.*f %s above forced; limit %.*f)",
                 pre, dp, forced->growth_per_iter / sc, u, dp, autom->growth_per_iter / sc, u, dp,
                 excess / sc, u, dp, limit / sc);
        return;
    }
    out->name = "released";
    snprintf(out->reason, sizeof out->reason,
             "%sflat with forced collection (%+.*f %s/iter) and without it (%+.*f %s/iter); "
             "limit %.*f",
             pre, dp, forced->growth_per_iter / sc, u, dp, autom->growth_per_iter / sc, u, dp,
             limit / sc);
}
