/* stats.h — the few statistics gcbench reports: median and percentile. */
#ifndef GCB_STATS_H
#define GCB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Median of v[0..n) (sorts v in place); n > 0. For an even n, the mean of the middle two. */
int64_t stats_median_i64(int64_t *v, size_t n);
double stats_median_f64(double *v, size_t n);

/* The p-th percentile (0..100) of v[0..n), nearest-rank, sorting v in place; n > 0. */
int64_t stats_percentile_i64(int64_t *v, size_t n, double p);

#endif /* GCB_STATS_H */
