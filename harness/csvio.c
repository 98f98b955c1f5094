/* csvio.c — reading and writing the results' CSV files through libcsv (see csvio.h). */
#include "csvio.h"

#include <assert.h>
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== writer =============================================================================== */

int csvw_open(csvw *w, const char *path, const char *const *header, size_t ncols)
{
    memset(w, 0, sizeof *w);
    w->fp = fopen(path, "w");
    if (w->fp == NULL)
        return -1;
    w->ncols = ncols;
    for (size_t i = 0; i < ncols; i++)
        csvw_str(w, header[i]);
    if (csvw_end_row(w) != 0) {
        int saved = errno;
        fclose(w->fp);
        w->fp = NULL;
        errno = saved;
        return -1;
    }
    return 0;
}

void csvw_attach(csvw *w, FILE *fp, size_t ncols)
{
    memset(w, 0, sizeof *w);
    w->fp = fp;
    w->ncols = ncols;
}

/* True when s must be quoted to read back as the same single cell. */
static bool needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static void begin_cell(csvw *w)
{
    assert(w->col < w->ncols && "csvw: more cells than columns in this row");
    if (w->col > 0 && fputc(',', w->fp) == EOF)
        w->failed = true;
    w->col++;
}

void csvw_str(csvw *w, const char *s)
{
    begin_cell(w);
    if (s == NULL || *s == '\0')
        return;
    int rc = needs_quotes(s) ? csv_fwrite(w->fp, s, strlen(s)) : (fputs(s, w->fp) < 0 ? -1 : 0);
    if (rc != 0)
        w->failed = true;
}

void csvw_i64(csvw *w, int64_t v)
{
    begin_cell(w);
    if (fprintf(w->fp, "%" PRId64, v) < 0)
        w->failed = true;
}

void csvw_count(csvw *w, int64_t v)
{
    if (v < 0)
        csvw_empty(w);
    else
        csvw_i64(w, v);
}

void csvw_u64(csvw *w, uint64_t v)
{
    begin_cell(w);
    if (fprintf(w->fp, "%" PRIu64, v) < 0)
        w->failed = true;
}

void csvw_f64(csvw *w, double v)
{
    begin_cell(w);
    if (!isnan(v) && fprintf(w->fp, "%.6g", v) < 0)
        w->failed = true;
}

void csvw_empty(csvw *w) { begin_cell(w); }

int csvw_end_row(csvw *w)
{
    assert(w->col == w->ncols && "csvw: row ended with fewer cells than columns");
    w->col = 0;
    if (fputc('\n', w->fp) == EOF || fflush(w->fp) != 0)
        w->failed = true;
    return w->failed ? -1 : 0;
}

int csvw_close(csvw *w)
{
    if (w->fp == NULL)
        return -1;
    assert(w->col == 0 && "csvw: closed in the middle of a row");
    if (fclose(w->fp) != 0)
        w->failed = true;
    w->fp = NULL;
    return w->failed ? -1 : 0;
}

/* ==== reader =============================================================================== */

/* What the libcsv callbacks build: the current row's cells, then whole rows. */
typedef struct load_state {
    csvt *t;
    char **row; /* cells of the row being read */
    size_t row_len;
    size_t row_cap;
    size_t rows_cap;
    size_t line;    /* the physical line being fed to the parser */
    bool row_start; /* no cell of the next row has been seen yet */
    bool oom;
    bool bad_width;   /* a row's cell count differs from the header's */
    size_t bad_cells; /* that row's cell count */
    size_t bad_line;
} load_state;

static char *dup_n(const void *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        if (n > 0)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void on_cell(void *data, size_t len, void *ctx)
{
    load_state *st = ctx;
    st->row_start = false;
    if (st->oom || st->bad_width)
        return;
    if (st->row_len == st->row_cap) {
        size_t cap = st->row_cap ? 2 * st->row_cap : 16;
        char **row = realloc(st->row, cap * sizeof *row);
        if (row == NULL) {
            st->oom = true;
            return;
        }
        st->row = row;
        st->row_cap = cap;
    }
    char *cell = dup_n(data != NULL ? data : "", data != NULL ? len : 0);
    if (cell == NULL) {
        st->oom = true;
        return;
    }
    st->row[st->row_len++] = cell;
}

/* Copies the current row's cells into one block (cell 0 at its start) written to out[0..n),
 * and frees the per-cell strings. Returns 0, or -1 when memory ran out. */
static int pack_row(load_state *st, char **out)
{
    size_t total = 0;
    for (size_t i = 0; i < st->row_len; i++)
        total += strlen(st->row[i]) + 1;
    char *block = malloc(total ? total : 1);
    if (block == NULL)
        return -1;
    char *p = block;
    for (size_t i = 0; i < st->row_len; i++) {
        size_t n = strlen(st->row[i]) + 1;
        memcpy(p, st->row[i], n);
        out[i] = p;
        p += n;
        free(st->row[i]);
    }
    st->row_len = 0;
    return 0;
}

static void drop_row(load_state *st)
{
    for (size_t i = 0; i < st->row_len; i++)
        free(st->row[i]);
    st->row_len = 0;
}

/* A finished row becomes the header (the first) or a data row of exactly ncols cells. */
static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    load_state *st = ctx;
    csvt *t = st->t;
    st->row_start = true;
    if (st->oom || st->bad_width) {
        drop_row(st);
        return;
    }
    if (t->header == NULL) {
        t->ncols = st->row_len;
        t->header = malloc((t->ncols ? t->ncols : 1) * sizeof *t->header);
        if (t->header == NULL || pack_row(st, t->header) != 0) {
            free(t->header);
            t->header = NULL;
            st->oom = true;
            drop_row(st);
        }
        return;
    }
    if (st->row_len != t->ncols) {
        st->bad_width = true;
        st->bad_cells = st->row_len;
        st->bad_line = st->line;
        drop_row(st);
        return;
    }
    if (t->nrows == st->rows_cap) {
        size_t cap = st->rows_cap ? 2 * st->rows_cap : 64;
        char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
        size_t *lines = cells ? realloc(t->lines, cap * sizeof *lines) : NULL;
        if (cells != NULL)
            t->cells = cells;
        if (lines == NULL) {
            st->oom = true;
            drop_row(st);
            return;
        }
        t->lines = lines;
        st->rows_cap = cap;
    }
    if (pack_row(st, t->cells + t->nrows * t->ncols) != 0) {
        st->oom = true;
        drop_row(st);
        return;
    }
    t->lines[t->nrows] = st->line;
    t->nrows++;
}

int csvt_load(csvt *t, const char *path, char *err, size_t errlen)
{
    return csvt_load_ex(t, path, 0, err, errlen);
}

int csvt_load_ex(csvt *t, const char *path, unsigned flags, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    t->path = dup_n(path, strlen(path));
    struct csv_parser p;
    /* Strict: a stray quote inside an unquoted cell is an error, as is an open quote at
     * the end. Empty lines are skipped by libcsv. */
    if (t->path == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        csvt_free(t);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    load_state st = {.t = t, .row_start = true};
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&buf, &cap, fp)) >= 0) {
        st.line++;
        if ((flags & CSVT_SKIP_COMMENTS) && st.row_start && buf[0] == '#')
            continue;
        if (csv_parse(&p, buf, (size_t)n, on_cell, on_row, &st) != (size_t)n) {
            snprintf(err, errlen, "%s:%zu: malformed CSV: %s", path, st.line,
                     csv_strerror(csv_error(&p)));
            rc = -1;
        }
        if (rc == 0 && st.bad_width) {
            snprintf(err, errlen, "%s:%zu: %zu cells where the header has %zu", path, st.bad_line,
                     st.bad_cells, t->ncols);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(fp)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && csv_fini(&p, on_cell, on_row, &st) != 0) {
        snprintf(err, errlen, "%s:%zu: malformed CSV: a quoted cell is never closed", path,
                 st.line);
        rc = -1;
    }
    if (rc == 0 && st.bad_width) {
        snprintf(err, errlen, "%s:%zu: %zu cells where the header has %zu", path, st.bad_line,
                 st.bad_cells, t->ncols);
        rc = -1;
    }
    if (rc == 0 && st.oom) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (rc == 0 && t->header == NULL) {
        snprintf(err, errlen, "%s:1: empty file: no header row", path);
        rc = -1;
    }
    drop_row(&st);
    free(st.row);
    free(buf);
    csv_free(&p);
    fclose(fp);
    if (rc != 0)
        csvt_free(t);
    return rc;
}

void csvt_free(csvt *t)
{
    /* each row, and the header, is one block starting at its first cell */
    for (size_t r = 0; t->ncols > 0 && r < t->nrows; r++)
        free(t->cells[r * t->ncols]);
    if (t->header != NULL && t->ncols > 0)
        free(t->header[0]);
    free(t->cells);
    free(t->header);
    free(t->lines);
    free(t->path);
    memset(t, 0, sizeof *t);
}

int csvt_col(const csvt *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

const char *csvt_get(const csvt *t, size_t row, int col)
{
    assert(row < t->nrows && "csvt_get: row out of range");
    if (col < 0 || (size_t)col >= t->ncols)
        return "";
    return t->cells[row * t->ncols + (size_t)col];
}

bool csvt_i64(const csvt *t, size_t row, int col, int64_t *out, bool *bad)
{
    const char *s = csvt_get(t, row, col);
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        if (bad != NULL)
            *bad = true;
        return false;
    }
    *out = v;
    return true;
}

bool csvt_f64(const csvt *t, size_t row, int col, double *out, bool *bad)
{
    const char *s = csvt_get(t, row, col);
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0') {
        if (bad != NULL)
            *bad = true;
        return false;
    }
    *out = v;
    return true;
}
