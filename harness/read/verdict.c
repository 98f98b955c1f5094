/* verdict.c — released / bounded / delayed / leak / uncollectable / inconclusive from growth
 * figures (see verdict.h). One rule for both bases; only the floor of the limit, the baseline
 * term and the words of the reason differ. */
#include "verdict.h"

#include <stdio.h>

const char *const verdict_basis_names[2] = {"rss", "class_objects"};

/* How a basis' figures read in a reason: value / scale with `decimals`, then unit. */
typedef struct basis_words {
    double floor, scale, baseline_share;
    int decimals;
    const char *unit;   /* "MiB", "objects" */
    const char *prefix; /* before the reason: what was judged, when it is not RSS */
} basis_words;

static const basis_words words_of[2] = {
    [VERDICT_BASIS_RSS] = {VERDICT_MIN_LIMIT_BYTES, 1048576.0, VERDICT_BASELINE_SHARE, 2, "MiB",
                           ""},
    [VERDICT_BASIS_CLASS_OBJECTS] = {VERDICT_MIN_LIMIT_OBJECTS, 1.0, 0.0, 1, "objects",
                                     "by live instances of the scenario's classes (RSS not "
                                     "comparable): "},
};

static double larger(double a, double b) { return a > b ? a : b; }

/* The limit shared by the modes (before each mode's noise), its terms written into rule. */
static double common_limit(const verdict_input *in, const basis_words *w, verdict *out)
{
    double step = VERDICT_FOOTPRINT_SHARE * in->footprint;
    double base = w->baseline_share * (in->baseline > 0 ? in->baseline : 0);
    double noise = larger(in->mode[0].present ? in->mode[0].noise : 0,
                          in->mode[1].present ? in->mode[1].noise : 0);
    int dp = w->decimals + 1;
    double sc = w->scale;
    int n = snprintf(out->rule, sizeof out->rule, "limit = max(floor %.*f, 5%% of step %.*f", dp,
                     w->floor / sc, dp, step / sc);
    if (w->baseline_share > 0 && n > 0 && (size_t)n < sizeof out->rule)
        n += snprintf(out->rule + n, sizeof out->rule - (size_t)n, ", 0.2%% of baseline %.*f", dp,
                      base / sc);
    if (n > 0 && (size_t)n < sizeof out->rule)
        snprintf(out->rule + n, sizeof out->rule - (size_t)n,
                 ", repeat noise %.*f) %s/iter; growth judged over iterations %lld..%lld", dp,
                 noise / sc, w->unit, (long long)out->late_first, (long long)in->iterations);
    return larger(larger(w->floor, step), base);
}

void verdict_decide(const verdict_input *in, verdict *out)
{
    const basis_words *w = &words_of[in->basis == VERDICT_BASIS_CLASS_OBJECTS];
    const verdict_mode *forced = &in->mode[0], *autom = &in->mode[1];
    out->basis = in->basis;
    out->late_first =
        in->iterations >= VERDICT_MIN_ITERATIONS ? verdict_late_first(in->iterations) : 0;
    out->rule[0] = '\0';
    double limit = common_limit(in, w, out);
    double flimit = larger(limit, forced->noise), alimit = larger(limit, autom->noise);
    out->limit_per_iter = flimit;
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
    if ((forced->present || autom->present) && in->iterations < VERDICT_MIN_ITERATIONS) {
        out->name = "inconclusive";
        snprintf(out->reason, sizeof out->reason,
                 "%lld iteration%s: the rule needs at least %d (growth is judged over the later "
                 "half of the run, at least 3 samples, so that a warm-up or a one-time step is not "
                 "read as growth); run with --iterations %d or more",
                 (long long)in->iterations, in->iterations == 1 ? "" : "s", VERDICT_MIN_ITERATIONS,
                 2 * VERDICT_MIN_ITERATIONS);
        return;
    }
    if (!forced->present) {
        if (autom->present && autom->growth_per_iter <= alimit &&
            autom->whole_growth_per_iter <= alimit) {
            out->name = "released";
            snprintf(out->reason, sizeof out->reason,
                     "%sflat without forced collection (%+.*f %s/iter, limit %.*f); "
                     "no forced run was needed",
                     pre, dp, autom->growth_per_iter / sc, u, dp, alimit / sc);
        } else {
            out->name = "inconclusive";
            snprintf(out->reason, sizeof out->reason,
                     "%sno successful forced-collection run: leak and delayed cannot be told "
                     "apart",
                     pre);
        }
        return;
    }
    if (forced->growth_per_iter > flimit) {
        bool garbage = forced->garbage_growth_per_iter >= 0.5;
        out->name = garbage ? "uncollectable" : "leak";
        snprintf(out->reason, sizeof out->reason,
                 "%sgrows %+.*f %s/iter even with forced collection, over iterations %lld..%lld "
                 "(limit %.*f)%s",
                 pre, dp, forced->growth_per_iter / sc, u, (long long)out->late_first,
                 (long long)in->iterations, dp, flimit / sc, garbage ? "; gc.garbage grows" : "");
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
    if (autom->growth_per_iter > alimit || excess > in->footprint / 2) {
        out->name = "delayed";
        snprintf(out->reason, sizeof out->reason,
                 "%sflat with forced collection (%+.*f %s/iter) but not without it (%+.*f "
                 "%s/iter, mean %+.*f %s above forced; limit %.*f)",
                 pre, dp, forced->growth_per_iter / sc, u, dp, autom->growth_per_iter / sc, u, dp,
                 excess / sc, u, dp, alimit / sc);
        return;
    }
    const verdict_mode *grew = forced->whole_growth_per_iter > flimit  ? forced
                               : autom->whole_growth_per_iter > alimit ? autom
                                                                       : NULL;
    if (grew != NULL) {
        out->name = "bounded";
        snprintf(out->reason, sizeof out->reason,
                 "%sgrew %+.*f %s/iter over iterations 1..%lld (%s), then flat over %lld..%lld "
                 "(forced %+.*f, auto %+.*f %s/iter; limit %.*f)",
                 pre, dp, grew->whole_growth_per_iter / sc, u, (long long)in->iterations,
                 grew == forced ? "with forced collection" : "without it",
                 (long long)out->late_first, (long long)in->iterations, dp,
                 forced->growth_per_iter / sc, dp, autom->growth_per_iter / sc, u, dp, flimit / sc);
        return;
    }
    out->name = "released";
    snprintf(out->reason, sizeof out->reason,
             "%sflat with forced collection (%+.*f %s/iter) and without it (%+.*f %s/iter); "
             "limit %.*f",
             pre, dp, forced->growth_per_iter / sc, u, dp, autom->growth_per_iter / sc, u, dp,
             flimit / sc);
}
