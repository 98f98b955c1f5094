/* csvio.c — reading and writing the results' CSV files through libcsv (see csvio.h). */
#include "csvio.h"

#include <assert.h>
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ==== writer =============================================================================== */

/* Marks w failed, keeping the errno of its first failed write. */
static void set_failed(csvw *w)
{
    if (!w->failed)
        w->error = errno;
    w->failed = true;
}

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
        set_failed(w);
    w->col++;
}

void csvw_str(csvw *w, const char *s)
{
    begin_cell(w);
    if (s == NULL || *s == '\0')
        return;
    int rc = needs_quotes(s) ? csv_fwrite(w->fp, s, strlen(s)) : (fputs(s, w->fp) < 0 ? -1 : 0);
    if (rc != 0)
        set_failed(w);
}

void csvw_i64(csvw *w, int64_t v)
{
    begin_cell(w);
    if (fprintf(w->fp, "%" PRId64, v) < 0)
        set_failed(w);
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
        set_failed(w);
}

void csvw_f64(csvw *w, double v)
{
    begin_cell(w);
    if (!isnan(v) && fprintf(w->fp, "%.6g", v) < 0)
        set_failed(w);
}

void csvw_empty(csvw *w) { begin_cell(w); }

int csvw_end_row(csvw *w)
{
    assert(w->col == w->ncols && "csvw: row ended with fewer cells than columns");
    w->col = 0;
    if (fputc('\n', w->fp) == EOF || fflush(w->fp) != 0)
        set_failed(w);
    return w->failed ? -1 : 0;
}

int csvw_close(csvw *w)
{
    if (w->fp == NULL)
        return -1;
    assert(w->col == 0 && "csvw: closed in the middle of a row");
    if (fclose(w->fp) != 0)
        set_failed(w);
    w->fp = NULL;
    return w->failed ? -1 : 0;
}

/* ==== reader =============================================================================== */

/* libcsv grows its cell buffer by a fixed block (128 bytes by default) and realloc copies it
 * every time: a cell of n bytes costs O(n^2 / block) bytes copied, which glibc hides with
 * mremap but AddressSanitizer does not (a 10 MB cell: minutes). So the reader feeds libcsv at
 * most FEED_BYTES at a time and checks the cell in progress after each piece: libcsv's buffer
 * never grows past CSVT_CELL_MAX_BYTES + FEED_BYTES + PARSER_BLOCK_BYTES, and a larger block
 * keeps the number of its reallocs small. Everything else is linear: a row's cells are
 * appended to one buffer that grows geometrically, then copied once into the row's block. */
enum { FEED_BYTES = 4096, PARSER_BLOCK_BYTES = 4096, READ_BYTES = 65536 };

/* The first thing wrong with the input (or memory), which ends the load. */
typedef enum load_error {
    LOAD_OK,
    LOAD_OOM,
    LOAD_WIDTH,   /* a row's cell count differs from the header's */
    LOAD_CELL,    /* a cell longer than CSVT_CELL_MAX_BYTES */
    LOAD_ROW,     /* a row longer than CSVT_ROW_MAX_BYTES */
    LOAD_COLUMNS, /* a row of more than CSVT_MAX_COLUMNS cells */
    LOAD_PARSE,   /* libcsv's own error */
    LOAD_READ,    /* the file could not be read (read_errno) */
} load_error;

/* What the libcsv callbacks build: the current row's cells, then whole rows. */
typedef struct load_state {
    csvt *t;
    unsigned flags;
    /* the current row: its cells back to back, each NUL-terminated, cell i at row_offs[i] */
    char *row_buf;
    size_t row_bytes, row_buf_cap;
    size_t *row_offs;
    size_t row_len, row_offs_cap;
    size_t rows_cap; /* rows t->cells and t->lines have room for */
    size_t line;     /* the physical line being fed to the parser (1-based) */
    bool line_start; /* the next byte fed starts a new physical line */
    bool in_comment; /* skipping a '#' line (CSVT_SKIP_COMMENTS) */
    bool row_start;  /* no cell of the next row has been seen yet */
    load_error error;
    size_t error_line;
    size_t bad_cells; /* LOAD_WIDTH: that row's cell count */
    int read_errno;   /* LOAD_READ */
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

static void fail(load_state *st, load_error e)
{
    if (st->error == LOAD_OK) {
        st->error = e;
        st->error_line = st->line;
    }
}

/* p (room for *cap elements of size) grown to room for at least need, doubling. Returns the
 * new block (p is then invalid), or NULL when memory ran out or the size would overflow (p is
 * still valid). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return NULL;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return NULL;
    void *q = realloc(p, n * size);
    if (q != NULL)
        *cap = n;
    return q;
}

/* A cell: appended to the row, unless it breaks a cap. Cells are at most CSVT_CELL_MAX_BYTES
 * and a row at most CSVT_ROW_MAX_BYTES, so no sum here can overflow. */
static void on_cell(void *data, size_t len, void *ctx)
{
    load_state *st = ctx;
    st->row_start = false;
    if (st->error != LOAD_OK)
        return;
    if (data == NULL)
        len = 0;
    if (len > CSVT_CELL_MAX_BYTES) {
        fail(st, LOAD_CELL);
        return;
    }
    if (st->row_len == CSVT_MAX_COLUMNS) {
        fail(st, LOAD_COLUMNS);
        return;
    }
    if (st->row_bytes + len + 1 > CSVT_ROW_MAX_BYTES) {
        fail(st, LOAD_ROW);
        return;
    }
    char *buf = grow(st->row_buf, &st->row_buf_cap, st->row_bytes + len + 1, 1);
    if (buf != NULL)
        st->row_buf = buf;
    size_t *offs = grow(st->row_offs, &st->row_offs_cap, st->row_len + 1, sizeof *offs);
    if (offs != NULL)
        st->row_offs = offs;
    if (buf == NULL || offs == NULL) {
        fail(st, LOAD_OOM);
        return;
    }
    if (len > 0)
        memcpy(st->row_buf + st->row_bytes, data, len);
    st->row_buf[st->row_bytes + len] = '\0';
    st->row_offs[st->row_len++] = st->row_bytes;
    st->row_bytes += len + 1;
}

/* Copies the current row's cells into one block (cell 0 at its start) whose cells are written
 * to out[0..row_len), and empties the row. Returns 0, or -1 when memory ran out. */
static int pack_row(load_state *st, char **out)
{
    char *block = malloc(st->row_bytes);
    if (block == NULL)
        return -1;
    memcpy(block, st->row_buf, st->row_bytes);
    for (size_t i = 0; i < st->row_len; i++)
        out[i] = block + st->row_offs[i];
    st->row_len = st->row_bytes = 0;
    return 0;
}

/* Room for one more data row in t->cells and t->lines. Returns 0, or -1 when memory ran out. */
static int reserve_row(load_state *st)
{
    csvt *t = st->t;
    if (t->nrows < st->rows_cap)
        return 0;
    size_t cap = st->rows_cap ? st->rows_cap : 64;
    if (cap > SIZE_MAX / 2 / t->ncols / sizeof *t->cells)
        return -1;
    cap *= 2;
    char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
    if (cells == NULL)
        return -1;
    t->cells = cells;
    size_t *lines = realloc(t->lines, cap * sizeof *lines);
    if (lines == NULL)
        return -1;
    t->lines = lines;
    st->rows_cap = cap;
    return 0;
}

/* A finished row becomes the header (the first) or a data row of exactly ncols cells. libcsv
 * reports a row only after at least one cell, so ncols >= 1. */
static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    load_state *st = ctx;
    csvt *t = st->t;
    st->row_start = true;
    if (st->error != LOAD_OK || st->row_len == 0) {
        st->row_len = st->row_bytes = 0;
        return;
    }
    if (t->header == NULL) {
        size_t ncols = st->row_len;
        t->header = malloc(ncols * sizeof *t->header);
        if (t->header == NULL || pack_row(st, t->header) != 0) {
            free(t->header);
            t->header = NULL;
            fail(st, LOAD_OOM);
            return;
        }
        t->ncols = ncols;
        return;
    }
    if (st->row_len != t->ncols) {
        fail(st, LOAD_WIDTH);
        st->bad_cells = st->row_len;
        return;
    }
    if (reserve_row(st) != 0 || pack_row(st, t->cells + t->nrows * t->ncols) != 0) {
        fail(st, LOAD_OOM);
        return;
    }
    t->lines[t->nrows++] = st->line;
}

/* Feeds s[0..n) to the parser in pieces of at most FEED_BYTES that end at a line break, so
 * that st->line is the line of every callback and the cell in progress is checked against its
 * cap after every piece. Stops at the first error (st->error). */
static void feed(load_state *st, struct csv_parser *p, const char *s, size_t n)
{
    while (n > 0 && st->error == LOAD_OK) {
        if (st->line_start) {
            st->line++;
            st->line_start = false;
            /* a '#' where a row would start (not inside a quoted cell) is a comment line */
            st->in_comment =
                (st->flags & CSVT_SKIP_COMMENTS) && st->row_start && !p->quoted && s[0] == '#';
        }
        size_t k = n < FEED_BYTES ? n : FEED_BYTES;
        const char *nl = memchr(s, '\n', k);
        if (nl != NULL) {
            k = (size_t)(nl - s) + 1;
            st->line_start = true;
        }
        if (!st->in_comment && csv_parse(p, s, k, on_cell, on_row, st) != k)
            fail(st, LOAD_PARSE);
        if (p->entry_pos > CSVT_CELL_MAX_BYTES)
            fail(st, LOAD_CELL);
        else if (st->row_bytes + p->entry_pos > CSVT_ROW_MAX_BYTES)
            fail(st, LOAD_ROW);
        s += k;
        n -= k;
    }
}

/* The message for st->error, "NAME:LINE: what is wrong". */
static void describe_error(const load_state *st, struct csv_parser *p, const char *name, char *err,
                           size_t errlen)
{
    switch (st->error) {
    case LOAD_OK:
        break;
    case LOAD_OOM:
        snprintf(err, errlen, "%s: out of memory", name);
        break;
    case LOAD_WIDTH:
        snprintf(err, errlen, "%s:%zu: %zu cells where the header has %zu", name, st->error_line,
                 st->bad_cells, st->t->ncols);
        break;
    case LOAD_CELL:
        snprintf(err, errlen,
                 "%s:%zu: a cell longer than %d bytes, more than bench ever writes: the file is "
                 "damaged or not a results file",
                 name, st->error_line, CSVT_CELL_MAX_BYTES);
        break;
    case LOAD_ROW:
        snprintf(err, errlen,
                 "%s:%zu: a row longer than %d bytes, more than bench ever writes: the file is "
                 "damaged or not a results file",
                 name, st->error_line, CSVT_ROW_MAX_BYTES);
        break;
    case LOAD_COLUMNS:
        snprintf(err, errlen,
                 "%s:%zu: a row of more than %d cells, more than bench ever writes: the file is "
                 "damaged or not a results file",
                 name, st->error_line, CSVT_MAX_COLUMNS);
        break;
    case LOAD_PARSE:
        snprintf(err, errlen, "%s:%zu: malformed CSV: %s", name, st->error_line,
                 csv_strerror(csv_error(p)));
        break;
    case LOAD_READ:
        snprintf(err, errlen, "%s: read error: %s", name, strerror(st->read_errno));
        break;
    }
}

/* A reader in progress: the parser and what its callbacks build. */
typedef struct loader {
    struct csv_parser p;
    load_state st;
} loader;

/* Starts loading into t, whose messages name `name`. Returns 0, or -1 with err set. */
static int loader_init(loader *l, csvt *t, const char *name, unsigned flags, char *err,
                       size_t errlen)
{
    memset(t, 0, sizeof *t);
    memset(l, 0, sizeof *l);
    /* Strict: a stray quote inside an unquoted cell is an error, as is an open quote at the
     * end. Empty lines are skipped by libcsv. */
    if (csv_init(&l->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    csv_set_blk_size(&l->p, PARSER_BLOCK_BYTES);
    t->path = dup_n(name, strlen(name));
    if (t->path == NULL) {
        csv_free(&l->p);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    l->st = (load_state){.t = t, .flags = flags, .line_start = true, .row_start = true};
    return 0;
}

/* Ends the load: the last row (a file need not end with a line break), then the checks that
 * need the whole file. Frees what only loading needed, and t too when it fails. Returns 0, or
 * -1 with err set. */
static int loader_finish(loader *l, char *err, size_t errlen)
{
    load_state *st = &l->st;
    csvt *t = st->t;
    if (st->error == LOAD_OK && csv_fini(&l->p, on_cell, on_row, st) != 0 && st->error == LOAD_OK) {
        snprintf(err, errlen, "%s:%zu: malformed CSV: a quoted cell is never closed", t->path,
                 st->line);
        st->error = LOAD_PARSE;
    } else if (st->error != LOAD_OK) {
        describe_error(st, &l->p, t->path, err, errlen);
    } else if (t->header == NULL) {
        snprintf(err, errlen, "%s:1: empty file: no header row", t->path);
        st->error = LOAD_PARSE;
    }
    free(st->row_buf);
    free(st->row_offs);
    csv_free(&l->p);
    if (st->error != LOAD_OK) {
        csvt_free(t);
        return -1;
    }
    return 0;
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
    char *buf = malloc(READ_BYTES);
    loader l;
    if (buf == NULL || loader_init(&l, t, path, flags, err, errlen) != 0) {
        if (buf == NULL)
            snprintf(err, errlen, "%s: out of memory", path);
        free(buf);
        fclose(fp);
        return -1;
    }
    size_t n;
    while (l.st.error == LOAD_OK && (n = fread(buf, 1, READ_BYTES, fp)) > 0)
        feed(&l.st, &l.p, buf, n);
    if (ferror(fp) && l.st.error == LOAD_OK) {
        l.st.read_errno = errno;
        fail(&l.st, LOAD_READ);
    }
    free(buf);
    fclose(fp);
    return loader_finish(&l, err, errlen);
}

int csvt_load_mem(csvt *t, const char *name, const void *data, size_t len, unsigned flags,
                  char *err, size_t errlen)
{
    loader l;
    if (loader_init(&l, t, name, flags, err, errlen) != 0)
        return -1;
    feed(&l.st, &l.p, data, len);
    return loader_finish(&l, err, errlen);
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
