/* csvio.h — reading and writing the results' CSV files through libcsv.
 *
 * Writing: one header row, then rows of exactly as many cells; a cell is quoted (by libcsv)
 * only when it holds a comma, a quote, a line break or surrounding spaces. Integers are
 * written as integers (bytes and nanoseconds), an unknown value as an empty cell.
 *
 * Reading: a whole file into memory as a table of strings, addressed by column name, so
 * that files with extra or missing optional columns still load. Errors name the file and
 * the line. Results files are untrusted input (a folder can be damaged, truncated, or written
 * by someone else), so reading is linear in the file's size, whatever it holds, and capped:
 * a cell longer than CSVT_CELL_MAX_BYTES, a row longer than CSVT_ROW_MAX_BYTES (its cells'
 * bytes plus one per cell) or of more than CSVT_MAX_COLUMNS cells is an error naming the file
 * and line, found before more than a few KiB past the cap are read into memory.
 */
#ifndef GCB_CSVIO_H
#define GCB_CSVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- writer ---------------------------------------------------------------------------- */

typedef struct csvw {
    FILE *fp;
    size_t ncols; /* cells per row */
    size_t col;   /* cells written in the current row */
    bool failed;  /* a write failed; csvw_close reports it */
    int error;    /* the errno of the first write that failed */
} csvw;

/* Creates (truncates) path and writes the header row. Returns 0, or -1 with errno set. */
int csvw_open(csvw *w, const char *path, const char *const *header, size_t ncols);
/* Writes rows of ncols cells to an open stream (stdout), header included by the caller;
 * csvw_close is not needed (the stream stays the caller's). */
void csvw_attach(csvw *w, FILE *fp, size_t ncols);
void csvw_str(csvw *w, const char *s); /* NULL writes an empty cell */
void csvw_i64(csvw *w, int64_t v);
/* A count, size or time that is never negative: a negative v (-1: "not measured", as the
 * workers send it) writes an empty cell. */
void csvw_count(csvw *w, int64_t v);
void csvw_u64(csvw *w, uint64_t v);
void csvw_f64(csvw *w, double v); /* %.6g; NaN writes an empty cell */
void csvw_empty(csvw *w);
/* Ends the row (asserting it has ncols cells) and flushes it, so that a file stopped at any
 * moment holds only whole rows. Returns 0, or -1 when a write failed. */
int csvw_end_row(csvw *w);
/* Returns 0, or -1 if any write failed. */
int csvw_close(csvw *w);

/* ---- reader ---------------------------------------------------------------------------- */

/* The reader's caps. What bench writes stays far below them: its longest cells are a run's
 * message (a worker's failure message, a traceback: at most 4 KiB), a holder chain or an
 * allocation site (512 bytes), params (256); its widest file has fewer than 64 columns. */
#define CSVT_CELL_MAX_BYTES (64 * 1024)
#define CSVT_ROW_MAX_BYTES (1024 * 1024)
#define CSVT_MAX_COLUMNS 1024

typedef struct csvt {
    char *path;
    size_t ncols;
    char **header; /* ncols names */
    size_t nrows;
    char **cells;  /* nrows * ncols strings, never NULL; each row one block */
    size_t *lines; /* the line each row ends on, for messages */
} csvt;

/* Loads path. Returns 0, or -1 with "FILE:LINE: what is wrong" in err (t is then empty and
 * needs no csvt_free): unreadable file, no header, a row whose cell count differs from the
 * header's, a quote left open, a cell or row over the caps above. */
int csvt_load(csvt *t, const char *path, char *err, size_t errlen);
/* csvt_load with options: CSVT_SKIP_COMMENTS skips lines that start a row with '#' (the
 * reference files' notes). Results files never use it. */
enum { CSVT_SKIP_COMMENTS = 1 };
int csvt_load_ex(csvt *t, const char *path, unsigned flags, char *err, size_t errlen);
/* csvt_load_ex of the len bytes at data, as if they were a file called name (the name its
 * messages and t->path give). What the fuzz target of the reader calls. */
int csvt_load_mem(csvt *t, const char *name, const void *data, size_t len, unsigned flags,
                  char *err, size_t errlen);
void csvt_free(csvt *t);
/* The index of column name, or -1 when the file has no such column. */
int csvt_col(const csvt *t, const char *name);
/* The cell, or "" when col < 0. */
const char *csvt_get(const csvt *t, size_t row, int col);
/* Parses the cell as an integer / a double. Returns false (leaving *out alone) when the
 * column is absent or the cell is empty; sets *bad (if not NULL) when it is not a number. */
bool csvt_i64(const csvt *t, size_t row, int col, int64_t *out, bool *bad);
bool csvt_f64(const csvt *t, size_t row, int col, double *out, bool *bad);

#endif /* GCB_CSVIO_H */
