/* results.h — a results folder being written by `bench run`: its creation
 * (<out>/<YYYYmmdd-HHMMSS>-<host>/ and the <out>/latest link), and runs.csv / samples.csv
 * written row by row, so that a run stopped at any moment leaves valid CSV behind. */
#ifndef GCB_RESULTS_H
#define GCB_RESULTS_H

#include <limits.h>

#include "csvio.h"
#include "plan.h"
#include "runner.h"

typedef struct results {
    char dir[PATH_MAX];
    csvw runs;
    csvw samples;
} results;

/* Creates the folder under out_base (made if missing) and opens runs.csv and samples.csv.
 * Returns 0, or -1 with a message in err (and nothing left behind but out_base). */
int results_create(results *res, const char *out_base, char *err, size_t errlen);
/* Appends a run's row to runs.csv. 0 or -1. */
int results_add_run(results *res, const plan_run *r, int cpu, const run_result *rr);
/* Closes both files and points <out_base>/latest at the folder. 0 or -1. */
int results_close(results *res, const char *out_base);

/* A path inside the folder: <dir>/<name>. */
void results_path(const results *res, const char *name, char *buf, size_t len);

#endif /* GCB_RESULTS_H */
