/* stats.c — median, percentile, Theil–Sen slope (see stats.h). */
#include "stats.h"

#include <assert.h>
#include <stdbool.h>
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
    /* mean of the middle two (rounded down) without overflow, whatever they are (DS_MISSING
     * included): b >= a, so their difference is exact as an unsigned number */
    int64_t a = v[n / 2 - 1], b = v[n / 2];
    return a + (int64_t)(((uint64_t)b - (uint64_t)a) / 2);
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

int stats_theil_sen(const double *x, const double *y, size_t n, double *out)
{
    *out = 0.0;
    if (n < 2)
        return 0;
    bool all = n <= STATS_THEIL_SEN_ALL_PAIRS;
    size_t half = n / 2, npairs = all ? n * (n - 1) / 2 : n - half;
    double *slopes = malloc(npairs * sizeof *slopes);
    if (slopes == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = all ? i + 1 : i + half; j < n; j += all ? 1 : n) {
            double dx = x[j] - x[i];
            slopes[k++] = dx == 0 ? 0.0 : (y[j] - y[i]) / dx;
        }
    *out = stats_median_f64(slopes, k);
    free(slopes);
    return 0;
}
