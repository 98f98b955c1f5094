/* report.c — `bench report DIR`: per scenario, the seeds' table per setting, its verdict from
 * summary.csv and its failed runs, and the settings side by side; as text, markdown or csv
 * (see report.h for the layout). Reads only the results folder.
 *
 * Every figure is computed once into a table of strings (or a line of text), and one printer
 * per format writes it: the formats differ in how they print, never in what they show. */
#include "report.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "growth.h"
#include "schema.h"
#include "stats.h"
#include "util.h"

#define MISSING_CELL "\u2014" /* "—": no ok run has this iteration; summary.csv has no figure */
#define CELL_LEN 512
#define MAX_COLS 40
#define LINE_LEN 1024

/* ==== titles =============================================================================== */

void report_setting_parts(const ds *d, size_t setting, char *buf, size_t len)
{
    const ds_setting *set = &d->settings[setting];
    const char *keys[] = {"runtime", "policy", "allocator", "threshold"};
    const char *values[] = {set->runtime, set->policy, set->allocator, set->threshold};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < len; i++)
        if (*values[i] != '\0')
            used += (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "", keys[i],
                                     values[i]);
}

void report_setting_title(const ds *d, size_t setting, char *buf, size_t len)
{
    char parts[LINE_LEN];
    report_setting_parts(d, setting, parts, sizeof parts);
    if (*parts)
        snprintf(buf, len, "%s (%s)", d->settings[setting].scenario, parts);
    else
        snprintf(buf, len, "%s", d->settings[setting].scenario);
}

/* ==== markdown text ======================================================================== */

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* s as markdown text that shows s as is: the characters markdown would read as markup are
 * escaped ('_' only where it could start or end emphasis: not between two letters or digits,
 * so "cross_reference" stays as it is); a line break becomes a space. */
static void md_puts(FILE *out, const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        bool intraword = c == '_' && i > 0 && is_alnum(s[i - 1]) && is_alnum(s[i + 1]);
        if (c == '\n' || c == '\r')
            c = ' ';
        else if (strchr("\\`*<>[]|", c) != NULL || (c == '_' && !intraword))
            fputc('\\', out);
        fputc(c, out);
    }
}

/* ==== tables of strings ==================================================================== */

/* nrows × ncols cells of CELL_LEN bytes; row 0 is the header. */
typedef struct table {
    size_t nrows, ncols;
    char *cells;
    bool left[MAX_COLS]; /* left-aligned; the others are right-aligned */
} table;

static char *cell(const table *t, size_t row, size_t col)
{
    return t->cells + (row * t->ncols + col) * CELL_LEN;
}

static int table_init(table *t, size_t nrows, size_t ncols)
{
    memset(t, 0, sizeof *t);
    if (ncols > MAX_COLS) {
        gcb_error("report: %zu columns in a table; at most %d", ncols, MAX_COLS);
        return -1;
    }
    t->nrows = nrows;
    t->ncols = ncols;
    t->cells = calloc(nrows * ncols + 1, CELL_LEN);
    return t->cells != NULL ? 0 : -1;
}

/* Header cells may hold one '\n': text then gives the header two lines, the part before it
 * above the part after (a cell without one sits on the second line). */
static const char *header_part(const char *s, int part, size_t *len)
{
    const char *nl = strchr(s, '\n');
    if (nl == NULL) {
        *len = part == 0 ? 0 : strlen(s);
        return s;
    }
    *len = part == 0 ? (size_t)(nl - s) : strlen(nl + 1);
    return part == 0 ? s : nl + 1;
}

/* One line of cells s[c][0..len[c]), aligned to widths, two spaces apart, no trailing
 * spaces. */
static void print_text_line(FILE *out, const table *t, const size_t *widths, const char **s,
                            const size_t *len)
{
    size_t last = t->ncols; /* after the last non-empty cell: nothing more on the line */
    while (last > 0 && len[last - 1] == 0)
        last--;
    for (size_t c = 0; c < last; c++) {
        int pad = (int)(widths[c] - gcb_display_width(s[c], len[c]));
        if (c > 0)
            fputs("  ", out);
        if (!t->left[c])
            fprintf(out, "%*s%.*s", pad, "", (int)len[c], s[c]);
        else
            fprintf(out, "%.*s%*s", (int)len[c], s[c], c + 1 < last ? pad : 0, "");
    }
    fputc('\n', out);
}

/* Columns two spaces apart, each as wide as its widest cell; no trailing spaces. */
static void table_print_text(FILE *out, const table *t)
{
    size_t widths[MAX_COLS] = {0}, len[MAX_COLS];
    const char *s[MAX_COLS];
    bool two_lines = false;
    for (size_t c = 0; c < t->ncols; c++) {
        two_lines = two_lines || strchr(cell(t, 0, c), '\n') != NULL;
        for (int part = 0; part < 2; part++) {
            s[c] = header_part(cell(t, 0, c), part, &len[c]);
            if (gcb_display_width(s[c], len[c]) > widths[c])
                widths[c] = gcb_display_width(s[c], len[c]);
        }
        for (size_t r = 1; r < t->nrows; r++)
            if (gcb_display_width(cell(t, r, c), strlen(cell(t, r, c))) > widths[c])
                widths[c] = gcb_display_width(cell(t, r, c), strlen(cell(t, r, c)));
    }
    for (int part = two_lines ? 0 : 1; part < 2; part++) {
        for (size_t c = 0; c < t->ncols; c++)
            s[c] = header_part(cell(t, 0, c), part, &len[c]);
        print_text_line(out, t, widths, s, len);
    }
    for (size_t r = 1; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            s[c] = cell(t, r, c);
            len[c] = strlen(s[c]);
        }
        print_text_line(out, t, widths, s, len);
    }
}

/* A GitHub-flavoured pipe table: header, alignment row (":--" left, "--:" right), rows. */
static void table_print_md(FILE *out, const table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            fputs(c == 0 ? "| " : " | ", out);
            md_puts(out, cell(t, r, c));
        }
        fputs(" |\n", out);
        for (size_t c = 0; r == 0 && c < t->ncols; c++)
            fprintf(out, "%s%s", c == 0 ? "|" : "", t->left[c] ? ":--|" : "--:|");
        if (r == 0)
            fputc('\n', out);
    }
}

static void table_print(FILE *out, const table *t, report_format format)
{
    if (format == REPORT_MARKDOWN)
        table_print_md(out, t);
    else
        table_print_text(out, t);
}

/* ==== the seeds' table ===================================================================== */

static bool group_has_ok_run(const ds *d, size_t setting, int mode)
{
    const ds_setting *set = &d->settings[setting];
    for (size_t i = 0; i < set->nruns[mode]; i++)
        if (d->runs[set->runs[mode][i]].ok)
            return true;
    return false;
}

/* Like ds_iter_stat's `field`, over the group's runs that stopped early: what the table shows
 * for a mode none of whose runs succeeded (a leak stopped by --max-rss, say), so that the
 * column still says how far memory grew. Returns how many runs had the sample. */
static size_t stopped_runs_stat(const ds *d, size_t setting, int mode, int64_t iteration,
                                size_t field, int64_t *median, int64_t *min, int64_t *max)
{
    const ds_setting *set = &d->settings[setting];
    int64_t *v = malloc((set->nruns[mode] + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v != NULL && i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        for (size_t k = 0; k < run->niters && run->iters[k].iteration <= iteration; k++) {
            int64_t x = *(const int64_t *)((const char *)&run->iters[k] + field);
            if (run->iters[k].iteration == iteration && x != DS_MISSING)
                v[n++] = x;
        }
    }
    if (n > 0) {
        *median = stats_median_i64(v, n); /* sorts v */
        *min = v[0];
        *max = v[n - 1];
    }
    free(v);
    return n;
}

/* A table cell's number: MiB with two decimals for RSS, a plain count for objects. */
static void format_amount(char *buf, size_t len, int64_t v, bool rss)
{
    if (rss)
        gcb_fmt_mib(buf, len, v);
    else
        snprintf(buf, len, "%lld", (long long)v);
}

/* "49.69", or "49.69 (49.10–50.20)" over several runs, or "—" over none: a ds_sample field
 * (RSS in MiB, or the live instances of the scenario's classes). The runs are the group's
 * successful ones, or its stopped ones when stopped is set. */
static void format_iter_cell(char *buf, const ds *d, size_t setting, int mode, int64_t iteration,
                             bool stopped, size_t field)
{
    int64_t median, min, max;
    bool rss = field == offsetof(ds_sample, rss_bytes);
    size_t n = stopped ? stopped_runs_stat(d, setting, mode, iteration, field, &median, &min, &max)
                       : ds_iter_stat(d, setting, mode, iteration, field, &median, &min, &max);
    if (n == 0) {
        snprintf(buf, CELL_LEN, "%s", MISSING_CELL);
        return;
    }
    char med[24], lo[24], hi[24];
    format_amount(med, sizeof med, median, rss);
    if (n == 1) {
        snprintf(buf, CELL_LEN, "%s", med);
        return;
    }
    format_amount(lo, sizeof lo, min, rss);
    format_amount(hi, sizeof hi, max, rss);
    snprintf(buf, CELL_LEN, "%s (%s\u2013%s)", med, lo, hi);
}

/* What a setting's own table shows: RSS where it is comparable, else the live instances of the
 * scenario's classes (the basis of its verdict). */
static size_t setting_field(const ds *d, size_t setting)
{
    return d->settings[setting].rss_comparable ? offsetof(ds_sample, rss_bytes)
                                               : offsetof(ds_sample, class_objects);
}

/* Fills t for setting: header, then iterations 0..last of the modes present. A mode with no
 * successful run shows its stopped runs instead, its title saying so. */
static int build_seeds_table(table *t, const ds *d, size_t setting, int64_t last)
{
    const ds_setting *set = &d->settings[setting];
    int modes[DS_MODES];
    size_t ncols = 1, field = setting_field(d, setting);
    for (int m = 0; m < DS_MODES; m++)
        if (set->nruns[m] > 0)
            modes[ncols++ - 1] = m;
    if (table_init(t, (size_t)last + 2, ncols) != 0)
        return -1;
    t->left[0] = true;
    bool stopped[DS_MODES];
    snprintf(cell(t, 0, 0), CELL_LEN, "iteration");
    for (size_t c = 1; c < t->ncols; c++) {
        stopped[c - 1] = !group_has_ok_run(d, setting, modes[c - 1]);
        snprintf(cell(t, 0, c), CELL_LEN, "%s%s", ds_mode_titles[modes[c - 1]],
                 stopped[c - 1] ? " (stopped early)" : "");
    }
    for (int64_t it = 0; it <= last; it++) {
        size_t row = (size_t)it + 1;
        if (it == 0)
            snprintf(cell(t, row, 0), CELL_LEN, "start");
        else
            snprintf(cell(t, row, 0), CELL_LEN, "%lld", (long long)it);
        for (size_t c = 1; c < t->ncols; c++)
            format_iter_cell(cell(t, row, c), d, setting, modes[c - 1], it, stopped[c - 1], field);
    }
    return 0;
}

static int64_t setting_last_iteration(const ds *d, size_t setting)
{
    int64_t last = -1;
    for (int m = 0; m < DS_MODES; m++) {
        int64_t l = ds_last_iteration(d, setting, m);
        if (l > last)
            last = l;
    }
    return last;
}

/* ==== summary.csv ========================================================================== */

long report_summary_row(const ds *d, size_t setting, int mode)
{
    return d->has_summary ? d->settings[setting].summary_row[mode] : -1;
}

/* Reads a number of summary.csv; a cell that is not one is reported on stderr (-1). */
static int summary_f64(const csvt *t, size_t row, const char *column, bool *has, double *out)
{
    bool bad = false;
    int col = csvt_col(t, column);
    *has = csvt_f64(t, row, col, out, &bad);
    if (bad) {
        gcb_error("%s:%zu: %s is '%s', not a number", t->path, t->lines[row], column,
                  csvt_get(t, row, col));
        return -1;
    }
    return 0;
}

/* v with the given decimals, never "-0.00"; sign forces a '+' on positive values. */
static void format_fixed(char *buf, size_t len, double v, int decimals, bool sign)
{
    double half = 0.5 * pow(10.0, -decimals);
    if (v > -half && v < half)
        v = 0.0;
    snprintf(buf, len, sign ? "%+.*f" : "%.*f", decimals, v);
}

/* "+9.30": a signed MiB figure. */
static void format_signed_mib(char *buf, size_t len, double bytes)
{
    format_fixed(buf, len, bytes / 1048576.0, 2, true);
}

/* ==== verdict ============================================================================== */

/* What summary.csv says about one setting. */
typedef struct verdict {
    const char *verdict, *reason, *rule; /* rule: "" in folders written before it */
    bool by_objects; /* verdict_basis class_objects: growth is in live class instances */
    /* the later half the verdict judged (growth[] is over it), or 0: growth[] is over
     * iterations 1..N (a folder written before the later-half rule) */
    double late_first;
    bool has_late;
    bool has_growth[DS_MODES];
    double growth[DS_MODES]; /* bytes, or instances, per iteration */
    bool has_garbage;
    double garbage_per_iter; /* the forced row's, else the first row's that has one */
    int garbage_mode;
} verdict;

/* Collects the summary rows of setting into v (ds_setting.summary_row: the verdict from the
 * first of them in the file). Returns 1 found, 0 none, -1 malformed. */
static int find_verdict(const ds *d, size_t setting, verdict *v)
{
    const csvt *t = &d->summary;
    const ds_setting *set = &d->settings[setting];
    memset(v, 0, sizeof *v);
    long first = -1;
    for (int m = 0; d->has_summary && m < DS_MODES; m++)
        if (set->summary_row[m] >= 0 && (first < 0 || set->summary_row[m] < first))
            first = set->summary_row[m];
    if (first < 0)
        return 0;
    size_t row = (size_t)first;
    v->verdict = csvt_get(t, row, csvt_col(t, "verdict"));
    v->reason = csvt_get(t, row, csvt_col(t, "verdict_reason"));
    v->rule = csvt_get(t, row, csvt_col(t, "verdict_rule"));
    v->by_objects = strcmp(csvt_get(t, row, csvt_col(t, "verdict_basis")), "class_objects") == 0;
    if (summary_f64(t, row, "late_first_iteration", &v->has_late, &v->late_first) != 0)
        return -1;
    const char *growth = v->has_late ? (v->by_objects ? "class_objects_growth_late_per_iter"
                                                      : "rss_growth_late_bytes_per_iter")
                                     : (v->by_objects ? "class_objects_growth_per_iter"
                                                      : "rss_growth_bytes_per_iter");
    for (int m = 0; m < DS_MODES; m++) {
        if (set->summary_row[m] < 0)
            continue;
        row = (size_t)set->summary_row[m];
        bool has_garbage;
        double garbage;
        if (summary_f64(t, row, growth, &v->has_growth[m], &v->growth[m]) != 0 ||
            summary_f64(t, row, "garbage_growth_per_iter", &has_garbage, &garbage) != 0)
            return -1;
        if (has_garbage && !v->has_garbage) { /* the first mode's that has one */
            v->has_garbage = true;
            v->garbage_per_iter = garbage;
            v->garbage_mode = m;
        }
    }
    return 1;
}

/* The verdict's word ("delayed", "none") and what follows it on its line (" — growth per
 * iteration: With GC +0.01 MiB, …; gc.garbage +0/iter"; on the class_objects basis " — live
 * instances of the scenario's classes per iteration: With GC +0.0, …"; or " (no summary.csv
 * …)"). */
static void verdict_line(const ds *d, const verdict *v, int found, char *word, char *rest)
{
    snprintf(word, CELL_LEN, "%s", found > 0 && *v->verdict ? v->verdict : "none");
    rest[0] = '\0';
    if (!d->has_summary || found == 0) {
        snprintf(rest, LINE_LEN, " (%s)",
                 !d->has_summary ? "no " GCB_SUMMARY_CSV " in this folder"
                                 : GCB_SUMMARY_CSV " has no row for this setting");
        return;
    }
    char over[48] = "";
    if (v->has_late)
        snprintf(over, sizeof over, " from iteration %.0f on", v->late_first);
    char lead[160];
    snprintf(lead, sizeof lead, " \u2014 %s per iteration%s: ",
             v->by_objects ? "live instances of the scenario's classes" : "growth", over);
    size_t used = 0;
    const char *sep = lead;
    for (int m = 0; m < DS_MODES && used < LINE_LEN; m++) {
        if (!v->has_growth[m])
            continue;
        char figure[32];
        if (v->by_objects)
            format_fixed(figure, sizeof figure, v->growth[m], 1, true);
        else
            format_signed_mib(figure, sizeof figure, v->growth[m]);
        used += (size_t)snprintf(rest + used, LINE_LEN - used, "%s%s %s%s", sep, ds_mode_titles[m],
                                 figure, v->by_objects ? "" : " MiB");
        sep = ", ";
    }
    if (v->has_garbage && used < LINE_LEN)
        snprintf(rest + used, LINE_LEN - used, "; gc.garbage %+.4g/iter",
                 v->garbage_per_iter == 0 ? 0.0 : v->garbage_per_iter);
}

/* text: "verdict: WORD REST" and "reason: …"; markdown: "**Verdict: WORD**REST" and
 * "Reason: …" as paragraphs. */
static int print_verdict(FILE *out, const ds *d, size_t setting, report_format format)
{
    verdict v;
    int found = find_verdict(d, setting, &v);
    if (found < 0)
        return -1;
    char word[CELL_LEN], rest[LINE_LEN];
    verdict_line(d, &v, found, word, rest);
    bool reason = found > 0 && *v.reason;
    bool rule = found > 0 && v.rule != NULL && *v.rule;
    if (format == REPORT_TEXT) {
        fprintf(out, "verdict: %s%s\n", word, rest);
        if (reason)
            fprintf(out, "reason: %s\n", v.reason);
        if (rule)
            fprintf(out, "rule: %s\n", v.rule);
        return 0;
    }
    fputs("\n**Verdict: ", out);
    md_puts(out, word);
    fputs("**", out);
    md_puts(out, rest);
    fputc('\n', out);
    if (reason) {
        fputs("\nReason: ", out);
        md_puts(out, v.reason);
        fputc('\n', out);
    }
    if (rule) {
        fputs("\nRule: ", out);
        md_puts(out, v.rule);
        fputc('\n', out);
    }
    return 0;
}

/* ==== growth by type ======================================================================= */

#define GROWTH_TOP 5 /* types per mode the report shows */

/* "+8.13 MiB", "+3.9 KiB", "+120 B": a signed size. */
static void format_signed_size(char *buf, size_t len, double bytes)
{
    double a = fabs(bytes);
    char num[64];
    const char *unit = a >= 1048576.0 ? "MiB" : a >= 1024.0 ? "KiB" : "B";
    double scale = a >= 1048576.0 ? 1048576.0 : a >= 1024.0 ? 1024.0 : 1.0;
    format_fixed(num, sizeof num, bytes / scale, scale == 1.0 ? 0 : scale == 1024.0 ? 1 : 2, true);
    snprintf(buf, len, "%s %s", num, unit);
}

/* Whether the setting's runs sent type rows (sites: its traced runs sent site rows). */
static bool setting_has_rows(const ds *d, size_t setting, bool sites)
{
    const ds_setting *set = &d->settings[setting];
    for (int m = 0; m < DS_MODES; m++) {
        size_t n = sites ? set->ntraced[m] : set->nruns[m];
        for (size_t i = 0; i < n; i++) {
            const ds_run *run = &d->runs[sites ? set->traced[m][i] : set->runs[m][i]];
            if ((sites ? run->nsites : run->ntypes) > 0)
                return true;
        }
    }
    return false;
}

/* "growth by type …" (or, for sites, "allocation sites …") and a table: per mode, the
 * GROWTH_TOP types (sites) that grow most (growth.h), with objects (blocks) and bytes per
 * iteration and the objects (bytes) after the last iteration; nothing when the runs sent no
 * such rows. Returns 0, or -1 when memory ran out. */
static int print_growth(FILE *out, const ds *d, size_t setting, report_format format, bool sites)
{
    if (!setting_has_rows(d, setting, sites))
        return 0;
    growth_type g[DS_MODES][GROWTH_TOP];
    long n[DS_MODES] = {0};
    size_t rows = 0;
    int64_t first = -1, last = -1;
    for (int m = 0; m < DS_MODES; m++) {
        n[m] = sites ? growth_sites(d, setting, m, g[m], GROWTH_TOP)
                     : growth_types(d, setting, m, g[m], GROWTH_TOP);
        if (n[m] < 0)
            return -1;
        rows += (size_t)n[m];
        if (n[m] > 0)
            first = g[m][0].first, last = g[m][0].last;
    }
    const ds_setting *set = &d->settings[setting];
    const char *what = sites ? "tracemalloc, retained bytes, in a traced run of its own"
                       : strcmp(set->runtime, "native") == 0
                           ? "every object of the runtime"
                           : "the objects the collector tracks: containers and instances";
    const char *title = sites ? "allocation sites" : "growth by type";
    char head[LINE_LEN];
    if (rows == 0)
        snprintf(head, sizeof head, "%s: none grows (%s)", title, what);
    else
        snprintf(head, sizeof head, "%s, per iteration over iterations %lld..%lld (%s):", title,
                 (long long)first, (long long)last, what);
    if (format == REPORT_MARKDOWN) {
        fputs("\n", out);
        md_puts(out, head);
        fputs("\n\n", out);
    } else {
        fprintf(out, "%s\n", head);
    }
    if (rows == 0)
        return 0;
    table t;
    if (table_init(&t, rows + 1, 5) != 0)
        return -1;
    const char *hdr_types[] = {"mode", "type", "objects/iter", "bytes/iter", "objects at end"};
    const char *hdr_sites[] = {"mode", "site", "bytes/iter", "blocks/iter", "bytes at end"};
    const char *const *hdr = sites ? hdr_sites : hdr_types;
    for (size_t c = 0; c < 5; c++)
        snprintf(cell(&t, 0, c), CELL_LEN, "%s", hdr[c]);
    t.left[0] = t.left[1] = true;
    size_t r = 1;
    for (int m = 0; m < DS_MODES; m++)
        for (long i = 0; i < n[m]; i++, r++) {
            snprintf(cell(&t, r, 0), CELL_LEN, "%s", i == 0 ? ds_mode_titles[m] : "");
            snprintf(cell(&t, r, 1), CELL_LEN, "%s", g[m][i].name);
            if (sites) {
                format_signed_size(cell(&t, r, 2), CELL_LEN, g[m][i].bytes_per_iter);
                format_fixed(cell(&t, r, 3), CELL_LEN, g[m][i].objects_per_iter, 1, true);
                snprintf(cell(&t, r, 4), CELL_LEN, "%lld", (long long)g[m][i].final_bytes);
            } else {
                format_fixed(cell(&t, r, 2), CELL_LEN, g[m][i].objects_per_iter, 1, true);
                format_signed_size(cell(&t, r, 3), CELL_LEN, g[m][i].bytes_per_iter);
                snprintf(cell(&t, r, 4), CELL_LEN, "%lld", (long long)g[m][i].final_objects);
            }
        }
    table_print(out, &t, format);
    free(t.cells);
    return 0;
}

/* "held by: CHAIN" under a leak or uncollectable verdict, when a run found one. */
static void print_holder(FILE *out, const ds *d, size_t setting, report_format format)
{
    const char *chain = growth_holder(d, setting);
    long row = -1;
    for (int m = 0; m < DS_MODES && row < 0; m++)
        row = report_summary_row(d, setting, m);
    if (chain == NULL || row < 0)
        return;
    const char *v = csvt_get(&d->summary, (size_t)row, csvt_col(&d->summary, "verdict"));
    if (strcmp(v, "leak") != 0 && strcmp(v, "uncollectable") != 0)
        return;
    if (format == REPORT_MARKDOWN) {
        fputs("\nHeld by (one chain of referrers, root first, to a surviving instance of the "
              "fastest-growing type): `",
              out);
        fputs(chain, out);
        fputs("`\n", out);
    } else {
        fprintf(out, "held by: %s\n", chain);
    }
}

/* ==== native beside CPython ================================================================ */

#define TWIN_COLS 7

/* One mode's row of the native-beside-CPython table from summary.csv's twin columns: mode,
 * growth per iteration native / CPython / ratio, peak above baseline native / CPython /
 * ratio. Returns 1 filled, 0 the row has no twin, -1 malformed. */
static int twin_cells(const csvt *t, size_t row, int m, char cells[TWIN_COLS][CELL_LEN])
{
    static const char *const cols[] = {
        "rss_growth_bytes_per_iter", "cpython_rss_growth_bytes_per_iter", "growth_ratio_to_cpython",
        "peak_above_baseline_bytes", "cpython_peak_above_baseline_bytes", "peak_ratio_to_cpython"};
    bool has[6];
    double v[6];
    for (int i = 0; i < 6; i++)
        if (summary_f64(t, row, cols[i], &has[i], &v[i]) != 0)
            return -1;
    if (!has[1])
        return 0;
    snprintf(cells[0], CELL_LEN, "%s", ds_mode_titles[m]);
    for (int i = 1; i < TWIN_COLS; i++)
        snprintf(cells[i], CELL_LEN, "%s", MISSING_CELL);
    format_signed_mib(cells[1], CELL_LEN, v[0]);
    format_signed_mib(cells[2], CELL_LEN, v[1]);
    for (int i = 2; i < 6; i++) {
        if (!has[i])
            continue;
        if (i == 2 || i == 5)
            snprintf(cells[i + 1], CELL_LEN, "%.2f", v[i]);
        else if (fabs(v[i]) < 0x1p62) /* a byte count (NaN and a forged 1e300 stay "—") */
            gcb_fmt_mib(cells[i + 1], CELL_LEN, (int64_t)v[i]);
    }
    return 1;
}

/* The twin rows of setting, in mode order, into t (header first). Returns how many rows, or
 * -1. */
static int build_twin_table(table *t, const ds *d, size_t setting)
{
    static const char *const titles[TWIN_COLS] = {
        "mode",         "growth native (MiB/iter)",         "growth CPython (MiB/iter)",
        "growth ratio", "peak native (MiB above baseline)", "peak CPython (MiB above baseline)",
        "peak ratio"};
    if (table_init(t, DS_MODES + 1, TWIN_COLS) != 0)
        return -1;
    t->left[0] = true;
    for (int c = 0; c < TWIN_COLS; c++)
        snprintf(cell(t, 0, (size_t)c), CELL_LEN, "%s", titles[c]);
    size_t n = 1;
    for (int m = 0; m < DS_MODES; m++) {
        long row = report_summary_row(d, setting, m);
        char cells[TWIN_COLS][CELL_LEN];
        int got = row < 0 ? 0 : twin_cells(&d->summary, (size_t)row, m, cells);
        if (got < 0)
            return -1;
        for (int c = 0; got > 0 && c < TWIN_COLS; c++)
            snprintf(cell(t, n, (size_t)c), CELL_LEN, "%s", cells[c]);
        n += (size_t)got;
    }
    t->nrows = n;
    return (int)n - 1;
}

/* For a native setting run beside CPython: growth per iteration and peak above the
 * baseline (MiB) of both runtimes per mode, and native / CPython. Nothing otherwise. */
static int print_twin(FILE *out, const ds *d, size_t setting, report_format format)
{
    if (!d->has_summary || csvt_col(&d->summary, "cpython_rss_growth_bytes_per_iter") < 0)
        return 0;
    table t;
    int rows = build_twin_table(&t, d, setting);
    if (rows > 0 && format == REPORT_MARKDOWN) {
        fputs("\nNative beside CPython:\n\n", out);
        table_print_md(out, &t);
    } else if (rows > 0) {
        fprintf(out, "native beside CPython:  %-28s  %s\n  %-11s %9s %9s %6s   %9s %9s %6s\n",
                "growth per iteration (MiB)", "peak above baseline (MiB)", "", "native", "CPython",
                "ratio", "native", "CPython", "ratio");
        for (size_t r = 1; r < t.nrows; r++)
            fprintf(out, "  %-11s %9s %9s %6s   %9s %9s %6s\n", cell(&t, r, 0), cell(&t, r, 1),
                    cell(&t, r, 2), cell(&t, r, 3), cell(&t, r, 4), cell(&t, r, 5), cell(&t, r, 6));
    }
    free(t.cells);
    return rows < 0 ? -1 : 0;
}

/* ==== failed runs ========================================================================== */

/* The message after " — ", later lines of it (a traceback) indented by `indent`. */
static void print_message(FILE *out, const char *message, size_t len, const char *indent)
{
    for (size_t i = 0; i < len; i++) {
        if (message[i] == '\r')
            continue;
        fputc(message[i], out);
        if (message[i] == '\n')
            fputs(indent, out);
    }
}

/* The length of message without its trailing line breaks. */
static size_t message_len(const char *message)
{
    size_t len = strlen(message);
    while (len > 0 && (message[len - 1] == '\n' || message[len - 1] == '\r'))
        len--;
    return len;
}

/* "r0007 Without GC repeat 2: rss_limit at iteration 6 (512.00 MiB)" */
static void failed_run_head(const ds_run *run, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%s %s", run->run_id, ds_mode_titles[run->mode_index]);
    if (run->repeat != DS_MISSING && used < len)
        used += (size_t)snprintf(buf + used, len - used, " repeat %lld", (long long)run->repeat);
    if (used < len)
        used += (size_t)snprintf(buf + used, len - used, ": %s",
                                 *run->status ? run->status : "no status");
    if (used >= len)
        return;
    if (run->niters == 0) {
        snprintf(buf + used, len - used, " before the first sample");
        return;
    }
    const ds_sample *s = &run->iters[run->niters - 1];
    used += (size_t)snprintf(buf + used, len - used, " at iteration %lld", (long long)s->iteration);
    if (s->rss_bytes != DS_MISSING && used < len) {
        char mib[24];
        gcb_fmt_mib(mib, sizeof mib, s->rss_bytes);
        snprintf(buf + used, len - used, " (%s MiB)", mib);
    }
}

/* The longest run of '`' in s[0..len). */
static size_t longest_backtick_run(const char *s, size_t len)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* text: "failed: HEAD — message"; markdown: "- HEAD — message", a multi-line message in a
 * fenced code block under the item (its fence longer than any run of '`' in it). */
static void print_failed_run(FILE *out, const ds_run *run, report_format format)
{
    char head[LINE_LEN];
    failed_run_head(run, head, sizeof head);
    size_t len = message_len(run->message);
    if (format == REPORT_TEXT) {
        fprintf(out, "failed: %s", head);
        if (len > 0) {
            fputs(" \u2014 ", out);
            print_message(out, run->message, len, "    ");
        }
        fputc('\n', out);
        return;
    }
    fputs("- ", out);
    md_puts(out, head);
    if (len > 0 && memchr(run->message, '\n', len) == NULL) {
        fputs(" \u2014 ", out);
        md_puts(out, run->message);
    } else if (len > 0) {
        size_t fence = longest_backtick_run(run->message, len) + 1;
        fence = fence < 3 ? 3 : fence;
        fprintf(out, ":\n\n  %.*s\n  ", (int)fence, "````````````````````````````````");
        print_message(out, run->message, len, "  ");
        fprintf(out, "\n  %.*s\n", (int)fence, "````````````````````````````````");
    }
    fputc('\n', out);
}

static void print_failed_runs(FILE *out, const ds *d, size_t setting, report_format format)
{
    const ds_setting *set = &d->settings[setting];
    bool any = false;
    for (int m = 0; m < DS_MODES; m++)
        for (size_t i = 0; i < set->nruns[m]; i++) {
            const ds_run *run = &d->runs[set->runs[m][i]];
            if (run->ok)
                continue;
            if (!any && format == REPORT_MARKDOWN)
                fputs("\nFailed runs:\n\n", out);
            any = true;
            print_failed_run(out, run, format);
        }
}

/* ==== settings side by side ================================================================ */

/* How a column of the side-by-side table gets and shows its figure. */
typedef enum side_kind {
    SK_KEY,        /* a part of the setting (ds_setting member at `key`) */
    SK_MODE,       /* "With GC" (text, markdown) or "forced" (csv) */
    SK_TEXT,       /* summary.csv's cell as it is */
    SK_COUNT,      /* an integer */
    SK_MIB,        /* bytes shown as MiB */
    SK_SIGNED_MIB, /* bytes shown as MiB, with a sign in text */
    SK_MS,         /* nanoseconds shown as milliseconds */
    SK_S,          /* nanoseconds shown as seconds */
    SK_NUMBER,     /* a ratio or a rate */
    SK_SIGNED,     /* a rate of objects: one decimal and a sign in text */
    SK_GENS,       /* collections_gen0/1/2 as "3/0/0" */
    SK_COMPARABLE, /* runs.csv's rss_comparable of the setting: 1 or 0 */
} side_kind;

typedef struct side_col {
    const char *title; /* the text and markdown header ('\n': text's two header lines, a space
                          in markdown); NULL: in the csv only */
    const char *csv;   /* the csv header (REPORT_CSV_COLUMNS); NULL: in text and markdown only */
    side_kind kind;
    const char *source; /* summary.csv's column */
    size_t key;         /* SK_KEY: offsetof the ds_setting member */
    bool rss;      /* an RSS figure: "n/c" (csv: empty) where the setting's RSS is not comparable */
    bool optional; /* text and markdown leave the column out when no row has a figure */
} side_col;

enum side_id {
    SC_SCENARIO,
    SC_RUNTIME,
    SC_POLICY,
    SC_ALLOCATOR,
    SC_THRESHOLD,
    SC_MODE,
    SC_REPEATS_OK,
    SC_REPEATS_FAILED,
    SC_FINAL,
    SC_PEAK,
    SC_GROWTH,
    SC_GROWTH_MIN,
    SC_GROWTH_MAX,
    SC_GARBAGE,
    SC_COLLECTIONS,
    SC_GENS,
    SC_SCANNED,
    SC_PAUSE_MEDIAN,
    SC_PAUSE_P95,
    SC_PAUSE_MAX,
    SC_WALL,
    SC_GROWTH_RATIO,
    SC_PEAK_RATIO,
    SC_VERDICT,
    SC_REASON,
    SC_COMPARABLE,
    SC_BASIS,
    SC_CLASS_FINAL,
    SC_CLASS_GROWTH,
    SC_GEN0,
    SC_GEN1,
    SC_GEN2,
    N_SIDE_COLS
};

#define SIDE_NOT_COMPARABLE "n/c"

static const side_col side_cols[N_SIDE_COLS] = {
    [SC_SCENARIO] = {NULL, "scenario", SK_KEY, NULL, offsetof(ds_setting, scenario), 0, 0},
    [SC_RUNTIME] = {"runtime", "runtime", SK_KEY, NULL, offsetof(ds_setting, runtime), 0, 0},
    [SC_POLICY] = {"policy", "policy", SK_KEY, NULL, offsetof(ds_setting, policy), 0, 0},
    [SC_ALLOCATOR] = {"allocator", "allocator", SK_KEY, NULL, offsetof(ds_setting, allocator), 0,
                      0},
    [SC_THRESHOLD] = {"threshold", "threshold", SK_KEY, NULL, offsetof(ds_setting, threshold), 0,
                      0},
    [SC_MODE] = {"mode", "mode", SK_MODE, NULL, 0, 0, 0},
    [SC_REPEATS_OK] = {NULL, "repeats_ok", SK_COUNT, "repeats", 0, 0, 0},
    [SC_REPEATS_FAILED] = {NULL, "repeats_failed", SK_COUNT, "failed_repeats", 0, 0, 0},
    [SC_FINAL] = {"final RSS\nMiB", "final_rss_mib", SK_MIB, "final_rss_bytes", 0, 1, 0},
    [SC_PEAK] = {"peak RSS\nMiB", "peak_rss_mib", SK_MIB, "peak_rss_bytes", 0, 1, 0},
    [SC_GROWTH] = {"growth\nMiB/iter", "rss_growth_mib_per_iter", SK_SIGNED_MIB,
                   "rss_growth_bytes_per_iter", 0, 1, 0},
    [SC_GROWTH_MIN] = {NULL, "rss_growth_mib_per_iter_min", SK_SIGNED_MIB,
                       "rss_growth_bytes_per_iter_min", 0, 1, 0},
    [SC_GROWTH_MAX] = {NULL, "rss_growth_mib_per_iter_max", SK_SIGNED_MIB,
                       "rss_growth_bytes_per_iter_max", 0, 1, 0},
    [SC_GARBAGE] = {NULL, "garbage_growth_per_iter", SK_NUMBER, "garbage_growth_per_iter", 0, 0, 0},
    [SC_COLLECTIONS] = {"collections", "collections", SK_COUNT, "collections", 0, 0, 0},
    [SC_GENS] = {"by gen\n0/1/2", NULL, SK_GENS, "collections_gen0", 0, 0, 1},
    [SC_SCANNED] = {"objects\nscanned", "objects_scanned", SK_COUNT, "objects_scanned", 0, 0, 0},
    [SC_PAUSE_MEDIAN] = {"pause\nmedian ms", "pause_median_ms", SK_MS, "pause_ns_median", 0, 0, 0},
    [SC_PAUSE_P95] = {"pause\np95 ms", "pause_p95_ms", SK_MS, "pause_ns_p95", 0, 0, 0},
    [SC_PAUSE_MAX] = {"pause\nmax ms", "pause_max_ms", SK_MS, "pause_ns_max", 0, 0, 0},
    [SC_WALL] = {"wall\ns", "wall_s", SK_S, "wall_ns", 0, 0, 0},
    [SC_GROWTH_RATIO] = {NULL, "growth_ratio_to_cpython", SK_NUMBER, "growth_ratio_to_cpython", 0,
                         1, 0},
    [SC_PEAK_RATIO] = {NULL, "peak_ratio_to_cpython", SK_NUMBER, "peak_ratio_to_cpython", 0, 1, 0},
    [SC_VERDICT] = {"verdict", "verdict", SK_TEXT, "verdict", 0, 0, 0},
    [SC_REASON] = {NULL, "verdict_reason", SK_TEXT, "verdict_reason", 0, 0, 0},
    [SC_COMPARABLE] = {NULL, "rss_comparable", SK_COMPARABLE, NULL, 0, 0, 0},
    [SC_BASIS] = {NULL, "verdict_basis", SK_TEXT, "verdict_basis", 0, 0, 0},
    [SC_CLASS_FINAL] = {"instances\nat end", "class_objects_final", SK_COUNT, "class_objects_final",
                        0, 0, 1},
    [SC_CLASS_GROWTH] = {"instances\nper iter", "class_objects_growth_per_iter", SK_SIGNED,
                         "class_objects_growth_per_iter", 0, 0, 1},
    [SC_GEN0] = {NULL, "collections_gen0", SK_COUNT, "collections_gen0", 0, 0, 0},
    [SC_GEN1] = {NULL, "collections_gen1", SK_COUNT, "collections_gen1", 0, 0, 0},
    [SC_GEN2] = {NULL, "collections_gen2", SK_COUNT, "collections_gen2", 0, 0, 0},
};

/* The columns of the text and markdown table, in their order (those with a title). */
static const enum side_id text_order[] = {
    SC_RUNTIME, SC_POLICY,       SC_ALLOCATOR,   SC_THRESHOLD,    SC_MODE,        SC_FINAL,
    SC_PEAK,    SC_GROWTH,       SC_CLASS_FINAL, SC_CLASS_GROWTH, SC_COLLECTIONS, SC_GENS,
    SC_SCANNED, SC_PAUSE_MEDIAN, SC_PAUSE_P95,   SC_PAUSE_MAX,    SC_WALL,        SC_VERDICT,
};
#define N_TEXT_COLS (sizeof text_order / sizeof text_order[0])

/* "3/0/0": collections per generation, or "" when summary.csv has none of them. Returns 0, or
 * -1 when a cell is not a number. */
static int gens_cell(char *buf, const csvt *t, size_t row)
{
    static const char *const cols[3] = {"collections_gen0", "collections_gen1", "collections_gen2"};
    double v[3];
    bool has[3];
    for (int g = 0; g < 3; g++)
        if (summary_f64(t, row, cols[g], &has[g], &v[g]) != 0)
            return -1;
    if (has[0] && has[1] && has[2])
        snprintf(buf, CELL_LEN, "%.0f/%.0f/%.0f", v[0], v[1], v[2]);
    return 0;
}

/* The figure of column col for (setting, mode) into buf: csv's form when csv is set, else
 * text's ("—" for a figure summary.csv does not have; "n/c" for an RSS figure of a setting
 * whose RSS is not comparable, empty in csv). row is the summary row or -1. Returns 0, or -1
 * when summary.csv's cell is not a number. */
static int side_cell(char *buf, const side_col *col, const ds *d, size_t setting, int mode,
                     long row, bool csv)
{
    const csvt *t = &d->summary;
    const ds_setting *set = &d->settings[setting];
    snprintf(buf, CELL_LEN, "%s", csv ? "" : MISSING_CELL);
    if (col->kind == SK_KEY) {
        snprintf(buf, CELL_LEN, "%s", *(const char *const *)((const char *)set + col->key));
        return 0;
    }
    if (col->kind == SK_MODE) {
        snprintf(buf, CELL_LEN, "%s", (csv ? ds_mode_names : ds_mode_titles)[mode]);
        return 0;
    }
    if (col->kind == SK_COMPARABLE) {
        snprintf(buf, CELL_LEN, "%d", set->rss_comparable ? 1 : 0);
        return 0;
    }
    if (col->rss && !set->rss_comparable) {
        snprintf(buf, CELL_LEN, "%s", csv ? "" : SIDE_NOT_COMPARABLE);
        return 0;
    }
    if (row < 0 || csvt_col(t, col->source) < 0)
        return 0;
    if (col->kind == SK_GENS)
        return gens_cell(buf, t, (size_t)row);
    if (col->kind == SK_TEXT) {
        const char *s = csvt_get(t, (size_t)row, csvt_col(t, col->source));
        if (*s || csv)
            snprintf(buf, CELL_LEN, "%s", s);
        return 0;
    }
    bool has;
    double v;
    if (summary_f64(t, (size_t)row, col->source, &has, &v) != 0)
        return -1;
    if (!has)
        return 0;
    if (col->kind == SK_MS && !csv) {
        /* No pause timed (a pause is never 0 ns): "—", not 0.00. (Not "no collection": 3.14.0-
         * 3.14.4 time increments that gc.get_stats() does not count.) */
        bool any;
        double longest;
        if (summary_f64(t, (size_t)row, "pause_ns_max", &any, &longest) == 0 && any && longest == 0)
            return 0;
    }
    int decimals = csv ? 3 : 2;
    switch (col->kind) {
    case SK_COUNT:
        format_fixed(buf, CELL_LEN, v, 0, false);
        break;
    case SK_MIB:
    case SK_SIGNED_MIB:
        format_fixed(buf, CELL_LEN, v / 1048576.0, decimals, col->kind == SK_SIGNED_MIB && !csv);
        break;
    case SK_MS:
        format_fixed(buf, CELL_LEN, v / 1e6, decimals, false);
        break;
    case SK_S:
        format_fixed(buf, CELL_LEN, v / 1e9, decimals, false);
        break;
    case SK_SIGNED:
        format_fixed(buf, CELL_LEN, v, csv ? 3 : 1, !csv);
        break;
    default:
        format_fixed(buf, CELL_LEN, v, 3, false);
        break;
    }
    return 0;
}

static bool wanted(const char *scenario, const char *const *scenarios, size_t nscenarios)
{
    for (size_t i = 0; i < nscenarios; i++)
        if (strcmp(scenario, scenarios[i]) == 0)
            return true;
    return nscenarios == 0;
}

static size_t setting_modes(const ds *d, size_t setting)
{
    size_t n = 0;
    for (int m = 0; m < DS_MODES; m++)
        n += d->settings[setting].nruns[m] > 0;
    return n;
}

/* Removes column c of t (its cells and alignment). Each cell moves to its place in a table one
 * column narrower, never later than where it was: copying in order is safe. */
static void table_drop_col(table *t, size_t c)
{
    size_t to = 0;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t k = 0; k < t->ncols; k++)
            if (k != c)
                memmove(t->cells + to++ * CELL_LEN, cell(t, r, k), CELL_LEN);
    for (size_t k = c; k + 1 < t->ncols; k++)
        t->left[k] = t->left[k + 1];
    t->ncols--;
}

/* The side-by-side table of scenario's settings: one row per setting and mode, the columns of
 * text_order (an optional one only when a row has its figure). *not_comparable tells whether
 * a row's RSS cells say "n/c". */
static int build_side_table(table *t, const ds *d, const char *scenario, bool *not_comparable)
{
    size_t nrows = 1;
    *not_comparable = false;
    for (size_t s = 0; s < d->nsettings; s++)
        if (strcmp(d->settings[s].scenario, scenario) == 0)
            nrows += setting_modes(d, s);
    if (table_init(t, nrows, N_TEXT_COLS) != 0)
        return -1;
    for (size_t k = 0; k < N_TEXT_COLS; k++) {
        const side_col *col = &side_cols[text_order[k]];
        t->left[k] = col->kind == SK_KEY || col->kind == SK_MODE || col->kind == SK_TEXT;
        snprintf(cell(t, 0, k), CELL_LEN, "%s", col->title);
    }
    size_t r = 1;
    for (size_t s = 0; s < d->nsettings; s++) {
        for (int m = 0; m < DS_MODES && strcmp(d->settings[s].scenario, scenario) == 0; m++) {
            if (d->settings[s].nruns[m] == 0)
                continue;
            long row = report_summary_row(d, s, m);
            for (size_t k = 0; k < N_TEXT_COLS; k++)
                if (side_cell(cell(t, r, k), &side_cols[text_order[k]], d, s, m, row, false) != 0)
                    return -1;
            *not_comparable = *not_comparable || !d->settings[s].rss_comparable;
            r++;
        }
    }
    for (size_t k = N_TEXT_COLS; k-- > 0;) {
        bool any = false;
        for (size_t row = 1; row < t->nrows && !any; row++)
            any = strcmp(cell(t, row, k), MISSING_CELL) != 0;
        if (side_cols[text_order[k]].optional && !any)
            table_drop_col(t, k);
    }
    return 0;
}

static int print_side_table(FILE *out, const ds *d, const char *scenario, report_format format)
{
    table t;
    bool not_comparable;
    if (build_side_table(&t, d, scenario, &not_comparable) != 0) {
        free(t.cells);
        return -1;
    }
    if (format == REPORT_MARKDOWN) {
        fputs("### Settings side by side\n\nMedians over the repeats that succeeded, from "
              "summary.csv.\n\n",
              out);
    } else {
        fprintf(out, "%s: settings side by side (medians over the repeats that succeeded)\n",
                scenario);
    }
    table_print(out, &t, format);
    bool instances = false;
    for (size_t c = 0; c < t.ncols; c++)
        instances = instances || strncmp(cell(&t, 0, c), "instances", 9) == 0;
    if (instances)
        fprintf(out,
                "%sinstances: live instances of the scenario's classes, summed over its "
                "classes%s\n",
                format == REPORT_MARKDOWN ? "\n" : "", format == REPORT_MARKDOWN ? "." : "");
    if (not_comparable)
        fprintf(out,
                "%sn/c: RSS not comparable (Pyodide: the Node.js process's RSS, and WebAssembly "
                "memory only grows); the verdict is made on the live instances of the "
                "scenario's classes%s\n",
                format == REPORT_MARKDOWN ? "\n" : "", format == REPORT_MARKDOWN ? "." : "");
    free(t.cells);
    return 0;
}

/* The csv: header, then one row per (setting, mode) of the wanted scenarios; the columns of
 * side_cols that have a csv name, in side_cols' order. */
static int write_csv(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios)
{
    static const char *const header[] = {REPORT_CSV_COLUMNS};
    size_t ncsv = 0;
    for (size_t c = 0; c < N_SIDE_COLS; c++)
        if (side_cols[c].csv != NULL) {
            assert(ncsv < sizeof header / sizeof header[0] &&
                   strcmp(header[ncsv], side_cols[c].csv) == 0 &&
                   "REPORT_CSV_COLUMNS and side_cols list the same columns");
            ncsv++;
        }
    assert(ncsv == sizeof header / sizeof header[0] && "REPORT_CSV_COLUMNS has more columns");
    csvw w = {.fp = out, .ncols = ncsv}; /* csvw_close is never called: out stays open */
    for (size_t c = 0; c < ncsv; c++)
        csvw_str(&w, header[c]);
    csvw_end_row(&w);
    for (size_t s = 0; s < d->nsettings; s++) {
        if (!wanted(d->settings[s].scenario, scenarios, nscenarios))
            continue;
        for (int m = 0; m < DS_MODES; m++) {
            if (d->settings[s].nruns[m] == 0)
                continue;
            long row = report_summary_row(d, s, m);
            for (size_t c = 0; c < N_SIDE_COLS; c++) {
                char buf[CELL_LEN];
                if (side_cols[c].csv == NULL)
                    continue;
                if (side_cell(buf, &side_cols[c], d, s, m, row, true) != 0)
                    return -1;
                csvw_str(&w, buf);
            }
            csvw_end_row(&w);
        }
    }
    return w.failed || ferror(out) ? -1 : 0;
}

/* ==== live instances per iteration ======================================================== */

static void block(FILE *out, bool *first);

/* For a setting whose RSS is not comparable, what its table shows instead: "live instances of
 * the scenario's classes (A + B) after each iteration; RSS is not comparable here (…)". */
static void print_instances_note(FILE *out, const ds *d, size_t setting, report_format format)
{
    char names[LINE_LEN] = "";
    size_t used = 0;
    for (size_t c = 0; c < d->nclass_names && used < sizeof names; c++) {
        bool seen = false;
        const ds_setting *set = &d->settings[setting];
        for (int m = 0; m < DS_MODES && !seen; m++)
            for (size_t i = 0; i < set->nruns[m] && !seen; i++)
                seen = ds_class_live(&d->runs[set->runs[m][i]], c, 0) != DS_MISSING;
        if (seen)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", used ? " + " : "",
                                     d->class_names[c]);
    }
    char line[2 * LINE_LEN];
    snprintf(line, sizeof line,
             "live instances of the scenario's classes%s%s%s after each iteration: RSS is not "
             "comparable here (a Node.js process; WebAssembly memory only grows)",
             *names ? " (" : "", names, *names ? ")" : "");
    if (format == REPORT_MARKDOWN) {
        fputs("Cells: ", out);
        md_puts(out, line);
        fputs(".\n\n", out);
    } else {
        fprintf(out, "%s\n", line);
    }
}

void report_setting_label(const ds *d, size_t setting, char *buf, size_t len, char sep)
{
    const ds_setting *set = &d->settings[setting];
    bool own_policy = *set->policy && strcmp(set->policy, "cpython") != 0;
    bool allocator = false, threshold = false; /* needed to tell it from a sibling */
    for (size_t s = 0; s < d->nsettings; s++) {
        const ds_setting *o = &d->settings[s];
        if (s == setting || strcmp(o->scenario, set->scenario) != 0 ||
            strcmp(o->runtime, set->runtime) != 0 || strcmp(o->policy, set->policy) != 0)
            continue;
        allocator = allocator || strcmp(o->allocator, set->allocator) != 0;
        threshold = threshold || strcmp(o->threshold, set->threshold) != 0;
    }
    size_t used = (size_t)snprintf(buf, len, "%s", set->runtime);
    const char *rest[] = {own_policy ? set->policy : "", allocator ? set->allocator : "",
                          threshold ? set->threshold : ""};
    bool first = true;
    for (size_t i = 0; i < 3 && used < len; i++) {
        if (!*rest[i])
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%c%s", first ? sep : ' ', rest[i]);
        first = false;
    }
}

/* The settings of scenario with a successful run in mode that counted the scenario's
 * classes, into out (room for d->nsettings). Returns how many. */
static size_t instance_columns(const ds *d, const char *scenario, int mode, size_t *out)
{
    size_t n = 0;
    for (size_t s = 0; s < d->nsettings; s++) {
        const ds_setting *set = &d->settings[s];
        bool any = false;
        for (size_t i = 0; strcmp(set->scenario, scenario) == 0 && i < set->nruns[mode] && !any;
             i++)
            any = d->runs[set->runs[mode][i]].ok && d->runs[set->runs[mode][i]].nclasses > 0;
        if (any)
            out[n++] = s;
    }
    return n;
}

long report_shown_class(const ds *d, const size_t *settings, size_t n, int mode)
{
    long best = -1;
    size_t best_counted = 0;
    int64_t best_total = -1;
    for (size_t c = 0; c < d->nclass_names; c++) {
        size_t counted = 0; /* settings that counted the class */
        int64_t total = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t last = ds_last_iteration(d, settings[i], mode), median, lo, hi;
            if (last >= 0 && ds_class_stat(d, settings[i], mode, last, c, &median, &lo, &hi) > 0) {
                counted++;
                total += median;
            }
        }
        if (counted == 0 || counted < best_counted ||
            (counted == best_counted && total < best_total))
            continue;
        best = (long)c; /* a tie goes to the later-defined class */
        best_counted = counted;
        best_total = total;
    }
    return best;
}

/* The mode the live-instances table shows: auto ("Without GC", where collection is the
 * collector's own doing), else off, else forced; -1 when no mode has two settings with class
 * counts. *cols gets those settings, *ncols how many. */
static int instances_mode(const ds *d, const char *scenario, size_t *cols, size_t *ncols)
{
    static const int order[] = {1, 2, 0};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        *ncols = instance_columns(d, scenario, order[i], cols);
        if (*ncols >= 2)
            return order[i];
    }
    return -1;
}

/* Iterations 0..last of the class's live instances, a column per setting (median over its
 * successful runs in mode). */
static int build_instances_table(table *t, const ds *d, const size_t *cols, size_t ncols, int mode,
                                 size_t class_id)
{
    int64_t last = -1;
    for (size_t i = 0; i < ncols; i++)
        if (ds_last_iteration(d, cols[i], mode) > last)
            last = ds_last_iteration(d, cols[i], mode);
    if (table_init(t, (size_t)last + 2, ncols + 1) != 0)
        return -1;
    t->left[0] = true;
    snprintf(cell(t, 0, 0), CELL_LEN, "iteration");
    for (size_t i = 0; i < ncols; i++)
        report_setting_label(d, cols[i], cell(t, 0, i + 1), CELL_LEN, '\n');
    for (int64_t it = 0; it <= last; it++) {
        size_t row = (size_t)it + 1;
        snprintf(cell(t, row, 0), CELL_LEN, it == 0 ? "start" : "%lld", (long long)it);
        for (size_t i = 0; i < ncols; i++) {
            int64_t median, lo, hi;
            if (ds_class_stat(d, cols[i], mode, it, class_id, &median, &lo, &hi) > 0)
                snprintf(cell(t, row, i + 1), CELL_LEN, "%lld", (long long)median);
            else
                snprintf(cell(t, row, i + 1), CELL_LEN, "%s", MISSING_CELL);
        }
    }
    return 0;
}

long report_instances_class(const ds *d, const char *scenario, int *mode)
{
    size_t *cols = calloc(d->nsettings + 1, sizeof *cols), ncols = 0;
    if (cols == NULL)
        return -1;
    *mode = instances_mode(d, scenario, cols, &ncols);
    long class_id = *mode < 0 ? -1 : report_shown_class(d, cols, ncols, *mode);
    free(cols);
    return class_id;
}

/* For a scenario run in several settings whose runs counted its classes: the live instances of
 * one class (report_instances_class) after each iteration, a column per setting. Nothing when
 * fewer than two settings have them. */
static int print_instances_table(FILE *out, const ds *d, const char *scenario, report_format format,
                                 bool *first)
{
    int mode;
    long class_id = report_instances_class(d, scenario, &mode);
    size_t *cols = calloc(d->nsettings + 1, sizeof *cols);
    if (cols == NULL)
        return -1;
    size_t ncols = class_id < 0 ? 0 : instance_columns(d, scenario, mode, cols);
    if (ncols == 0) {
        free(cols);
        return 0;
    }
    if (ncols + 1 > MAX_COLS) {
        gcb_error("report: %s ran in %zu settings; the live-instances table shows the first %d",
                  scenario, ncols, MAX_COLS - 1);
        ncols = MAX_COLS - 1;
    }
    table t;
    if (build_instances_table(&t, d, cols, ncols, mode, (size_t)class_id) != 0) {
        free(t.cells);
        free(cols);
        return -1;
    }
    const char *name = d->class_names[class_id], *title = ds_mode_titles[mode];
    block(out, first);
    if (format == REPORT_MARKDOWN) {
        fputs("### Live ", out);
        md_puts(out, name);
        fprintf(out, " instances per iteration, %s\n\n", title);
        md_puts(out, name);
        fputs(" is the scenario's class with the most live instances after the last iteration "
              "(the later-defined on a tie); each cell the median over the repeats that "
              "succeeded.\n\n",
              out);
    } else {
        fprintf(out,
                "%s: live %s instances per iteration, %s (%s: the scenario's class with the "
                "most live instances at the end; median over repeats)\n",
                scenario, name, title, name);
    }
    table_print(out, &t, format);
    free(t.cells);
    free(cols);
    return 0;
}

/* ==== one setting, one scenario, the report ================================================ */

static int print_setting(FILE *out, const ds *d, size_t setting, report_format format)
{
    char title[LINE_LEN];
    if (format == REPORT_MARKDOWN) {
        report_setting_parts(d, setting, title, sizeof title);
        if (*title) {
            fputs("### ", out);
            md_puts(out, title);
            fputs("\n\n", out);
        }
    } else {
        report_setting_title(d, setting, title, sizeof title);
        fprintf(out, "%s\n", title);
    }
    int64_t last = setting_last_iteration(d, setting);
    if (last >= 0 && !d->settings[setting].rss_comparable)
        print_instances_note(out, d, setting, format);
    if (last < 0) {
        fputs(format == REPORT_MARKDOWN ? "No iteration samples.\n" : "no iteration samples\n",
              out);
    } else {
        table t;
        if (build_seeds_table(&t, d, setting, last) != 0) {
            gcb_error("out of memory building the table of %s", title);
            free(t.cells);
            return -1;
        }
        table_print(out, &t, format);
        free(t.cells);
    }
    if (print_verdict(out, d, setting, format) != 0 ||
        print_growth(out, d, setting, format, false) != 0 ||
        print_growth(out, d, setting, format, true) != 0)
        return -1;
    print_holder(out, d, setting, format);
    if (print_twin(out, d, setting, format) != 0)
        return -1;
    print_failed_runs(out, d, setting, format);
    return 0;
}

/* A blank line before every block but the first. */
static void block(FILE *out, bool *first)
{
    if (!*first)
        fputc('\n', out);
    *first = false;
}

/* Every setting of scenario (first at index `first_setting`), then, when there are several,
 * the side-by-side table. */
static int print_scenario(FILE *out, const ds *d, size_t first_setting, report_format format,
                          bool *first)
{
    const char *scenario = d->settings[first_setting].scenario;
    if (format == REPORT_MARKDOWN) {
        block(out, first);
        fputs("## ", out);
        md_puts(out, scenario);
        fputc('\n', out);
    }
    size_t n = 0;
    for (size_t s = first_setting; s < d->nsettings; s = d->settings[s].next_of_scenario) {
        n++;
        block(out, first);
        if (print_setting(out, d, s, format) != 0)
            return -1;
    }
    if (n < 2)
        return 0;
    block(out, first);
    if (print_side_table(out, d, scenario, format) != 0)
        return -1;
    return print_instances_table(out, d, scenario, format, first);
}

int report_write(FILE *out, const ds *d, report_format format, const char *const *scenarios,
                 size_t nscenarios)
{
    if (format == REPORT_CSV)
        return write_csv(out, d, scenarios, nscenarios);
    if (format == REPORT_JSON)
        return report_write_json(out, d, scenarios, nscenarios);
    bool first = true;
    for (size_t s = 0; s < d->nsettings; s++) {
        if (!d->settings[s].first_of_scenario ||
            !wanted(d->settings[s].scenario, scenarios, nscenarios))
            continue;
        if (print_scenario(out, d, s, format, &first) != 0)
            return -1;
    }
    return ferror(out) ? -1 : 0;
}

int report_print(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios)
{
    return report_write(out, d, REPORT_TEXT, scenarios, nscenarios);
}

int report_check_scenarios(const ds *d, const char *const *scenarios, size_t nscenarios)
{
    for (size_t i = 0; i < nscenarios; i++) {
        bool found = false;
        for (size_t s = 0; s < d->nsettings && !found; s++)
            found = strcmp(d->settings[s].scenario, scenarios[i]) == 0;
        if (found)
            continue;
        char have[2048] = "";
        size_t used = 0;
        for (size_t s = 0; s < d->nsettings && used < sizeof have; s++) {
            bool seen = false;
            for (size_t k = 0; k < s && !seen; k++)
                seen = strcmp(d->settings[k].scenario, d->settings[s].scenario) == 0;
            if (!seen)
                used += (size_t)snprintf(have + used, sizeof have - used, "%s%s", used ? ", " : "",
                                         d->settings[s].scenario);
        }
        gcb_usage_error("report", "no scenario '%s' in %s; it has: %s", scenarios[i], d->dir,
                        used ? have : "no runs at all");
        return -1;
    }
    return 0;
}
