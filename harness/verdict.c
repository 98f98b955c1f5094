/* verdict.c — released / delayed / leak / uncollectable from growth figures (see verdict.h). */
#include "verdict.h"

#include <stdio.h>

static double mib(double bytes) { return bytes / 1048576.0; }

void verdict_decide(const verdict_input *in, verdict *out)
{
    const verdict_mode *forced = &in->mode[0], *autom = &in->mode[1];
    double limit = VERDICT_FOOTPRINT_SHARE * in->footprint_bytes;
    if (limit < VERDICT_MIN_LIMIT_BYTES)
        limit = VERDICT_MIN_LIMIT_BYTES;
    out->limit_bytes_per_iter = limit;

    if (!forced->present) {
        if (autom->present && autom->growth_bytes_per_iter <= limit) {
            out->name = "released";
            snprintf(out->reason, sizeof out->reason,
                     "flat without forced collection (%+.2f MiB/iter, limit %.2f); "
                     "no forced run was needed",
                     mib(autom->growth_bytes_per_iter), mib(limit));
        } else {
            out->name = "inconclusive";
            snprintf(out->reason, sizeof out->reason,
                     "no successful forced-collection run: leak and delayed cannot be told apart");
        }
        return;
    }
    if (forced->growth_bytes_per_iter > limit) {
        bool garbage = forced->garbage_growth_per_iter >= 0.5;
        out->name = garbage ? "uncollectable" : "leak";
        snprintf(out->reason, sizeof out->reason,
                 "grows %+.2f MiB/iter even with forced collection (limit %.2f)%s",
                 mib(forced->growth_bytes_per_iter), mib(limit),
                 garbage ? "; gc.garbage grows" : "");
        return;
    }
    if (!autom->present) {
        out->name = "inconclusive";
        snprintf(out->reason, sizeof out->reason,
                 "flat with forced collection (%+.2f MiB/iter); no auto run to tell released "
                 "from delayed",
                 mib(forced->growth_bytes_per_iter));
        return;
    }
    double excess = autom->mean_rss_bytes - forced->mean_rss_bytes;
    if (autom->growth_bytes_per_iter > limit || excess > in->footprint_bytes / 2) {
        out->name = "delayed";
        snprintf(out->reason, sizeof out->reason,
                 "flat with forced collection (%+.2f MiB/iter) but not without it (%+.2f "
                 "MiB/iter, mean %+.2f MiB above forced; limit %.2f)",
                 mib(forced->growth_bytes_per_iter), mib(autom->growth_bytes_per_iter), mib(excess),
                 mib(limit));
        return;
    }
    out->name = "released";
    snprintf(out->reason, sizeof out->reason,
             "flat with forced collection (%+.2f MiB/iter) and without it (%+.2f MiB/iter); "
             "limit %.2f",
             mib(forced->growth_bytes_per_iter), mib(autom->growth_bytes_per_iter), mib(limit));
}
