/* stats.h — the few statistics gcbench reports: median, percentile, Theil–Sen slope. */
#ifndef GCB_STATS_H
#define GCB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Median of v[0..n) (sorts v in place); n > 0. For an even n, the mean of the middle two. */
int64_t stats_median_i64(int64_t *v, size_t n);
double stats_median_f64(double *v, size_t n);

/* The Theil–Sen slope of y against x over n points: the median of the slopes between every
 * two points (above STATS_THEIL_SEN_ALL_PAIRS points, the pairs half the series apart stand
 * in for all pairs). Unlike a least-squares fit it is not moved by a one-time step, yet a
 * steady trend gives its exact rate. *out is 0 for fewer than two points. Returns 0, or -1
 * when memory ran out. */
#define STATS_THEIL_SEN_ALL_PAIRS 1000
int stats_theil_sen(const double *x, const double *y, size_t n, double *out);

/* The p-th percentile (0..100) of v[0..n), nearest-rank, sorting v in place; n > 0. */
int64_t stats_percentile_i64(int64_t *v, size_t n, double p);

#endif /* GCB_STATS_H */
