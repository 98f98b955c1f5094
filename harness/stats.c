/* stats.c — median and percentile (see stats.h). */
#include "stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_f64(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int64_t stats_median_i64(int64_t *v, size_t n)
{
    assert(n > 0 && "median of nothing");
    qsort(v, n, sizeof *v, cmp_i64);
    if (n % 2 == 1)
        return v[n / 2];
    /* mean of the middle two without overflow */
    int64_t a = v[n / 2 - 1], b = v[n / 2];
    return a + (b - a) / 2;
}

double stats_median_f64(double *v, size_t n)
{
    assert(n > 0 && "median of nothing");
    qsort(v, n, sizeof *v, cmp_f64);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int64_t stats_percentile_i64(int64_t *v, size_t n, double p)
{
    assert(n > 0 && p >= 0 && p <= 100 && "percentile out of range");
    qsort(v, n, sizeof *v, cmp_i64);
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return v[rank == 0 ? 0 : rank - 1];
}
