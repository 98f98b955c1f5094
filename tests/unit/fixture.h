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
