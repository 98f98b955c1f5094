/* summary.h — writing summary.csv from a loaded results folder: per (scenario, runtime,
 * policy, allocator, threshold, mode) the baseline, final and peak RSS, the growth per
 * iteration (median over repeats, with min and max), gc work and pauses, the live instances of
 * the scenario's classes and collections per generation, and the setting's verdict (verdict.h)
 * repeated on each of its mode rows — made on RSS, or on those instances where the setting's
 * RSS is not comparable (runs.csv's rss_comparable 0: Pyodide). */
#ifndef GCB_SUMMARY_H
#define GCB_SUMMARY_H

#include "dataset.h"

/* Writes path (truncating it). Returns 0, or -1 with errno set. */
int summary_write(const ds *d, const char *path);

#endif /* GCB_SUMMARY_H */
