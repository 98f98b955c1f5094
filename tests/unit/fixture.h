/* fixture.h — helpers for the unit tests: results folders written by hand in a temp dir,
 * files read back, stdout/stderr captured while a function runs. Tests abort (cmocka
 * assert) when a helper cannot do its job, so a test never runs on a half-made folder. */
#ifndef GCB_TEST_FIXTURE_H
#define GCB_TEST_FIXTURE_H

#include <stddef.h>

/* A fresh empty directory under $TMPDIR (or /tmp); free() the result after fx_rmtree. */
char *fx_mkdtemp(void);
/* Removes dir and everything under it. */
void fx_rmtree(const char *dir);
/* Writes text to dir/name (creating or truncating it). */
void fx_write(const char *dir, const char *name, const char *text);
/* The whole file, NUL-terminated (its length in *len if len is not NULL); NULL when it cannot
 * be read. free() it. */
char *fx_read(const char *path, size_t *len);
/* dir/name as a new string; free() it. */
char *fx_path(const char *dir, const char *name);

/* The "tiny" results folder: scenario tiny, one setting (native, py311, pymalloc,
 * 700/10/10), 2 iterations, forced (RSS 10, 10, 10 MiB) and auto (10, 15, 20 MiB), one run
 * each, with tick samples, machine.csv and a summary.csv saying "delayed". */
void fx_write_tiny(const char *dir);

/* The "side" results folder: scenario side run in three settings — native py311 pymalloc at
 * 700/10/10 and 2000/10/10, python cpython pymalloc at 700/10/10 — forced and auto, one repeat
 * each, 2 iterations, with tick samples. The native 2000/10/10 auto run failed at iteration 1
 * with the message "boom, at step 2" (quoted in runs.csv). summary.csv has no
 * objects_scanned and no pause_ns_p95 column; the native 700/10/10 rows carry their CPython
 * twin's figures. RSS in MiB per iteration (0, 1, 2):
 *   native 700 forced 10 12 12 (ticks 20 at t 150 ms, 22 at 250 ms), auto 10 20 30 (ticks 15,
 *   25); native 2000 forced 10 11 11, auto 10 25 (failed); python forced 20 22 22, auto 20 30
 *   40. Iteration samples at t = 100, 200, 300 ms. */
void fx_write_side(const char *dir);

/* The "policies" results folder: scenario xr run in three settings — native py311 pymalloc
 * 700/10/10, native py314inc pymalloc 2000/10/0, pyodide-3.12.7 cpython malloc 700/10/10 (runs.csv
 * rss_comparable 0) — forced and auto, one repeat each, 3 iterations, each iter sample followed by
 * two class rows (A and B, equal counts). Per iteration 0..3:
 *   live B: forced 0 0 0 0 everywhere; auto py311 0 100 200 100, py314inc 0 100 200 300,
 *     pyodide 0 100 200 100;
 *   RSS (MiB): native forced 10 12 12 12; py311 auto 10 50 90 50; py314inc auto 10 50 90 130;
 *     pyodide 150 180 210 240 in both modes (on RSS it would be a leak);
 *   collections_gen0/1/2 after the last: forced 0/0/3, py311 and pyodide auto 1/0/0, py314inc
 *     auto 0/0/0.
 * summary.csv is what summary_write makes of it (a subset of its columns): every verdict
 * "delayed", the pyodide rows' on the class_objects basis. */
void fx_write_policies(const char *dir);

/* Redirects fd (1 or 2) into a temp file until fx_capture_end, which restores fd and returns
 * everything written meanwhile (free() it). Captures do not nest on the same fd. */
typedef struct fx_capture {
    int fd, saved_fd;
    char path[64];
} fx_capture;
void fx_capture_begin(fx_capture *c, int fd);
char *fx_capture_end(fx_capture *c);

/* The index-th line (0-based) of text without its '\n', in buf; "" past the end. */
const char *fx_line(const char *text, size_t index, char *buf, size_t len);

#endif /* GCB_TEST_FIXTURE_H */
