/* report_json.c — `bench report --format json`: a results folder as one JSON document for
 * scripts and CI, written with jansson (schema: harness/read/schemas/report.schema.json; README
 * "JSON"). Per setting: its key, verdict, reason and rule; per mode: every summary.csv figure
 * (typed: numbers as numbers, empty cells as null), the RSS (or live instances where RSS is
 * not comparable) after each iteration (median, min, max over the successful repeats), the
 * types that grow (growth.h) and the runs that failed. Reads only the folder. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "growth.h"
#include "report.h"
#include "util.h"

#define JSON_SCHEMA_ID "gcbench-report/1"
#define JSON_TYPES_TOP 15

/* A summary.csv cell as JSON: null when empty, an integer or a real when it is a number,
 * else the string. */
static json_t *typed_cell(const char *s)
{
    if (*s == '\0')
        return json_null();
    char *end;
    long long i = strtoll(s, &end, 10);
    if (*end == '\0')
        return json_integer(i);
    double v = strtod(s, &end);
    if (*end == '\0' && end != s)
        return json_real(v);
    return json_string(s);
}

/* An int64 figure, null when missing. */
static json_t *figure(int64_t v) { return v == DS_MISSING ? json_null() : json_integer(v); }

static const char *const key_columns[] = {"scenario",  "runtime",   "policy",
                                          "allocator", "threshold", "mode"};

static bool is_key_column(const char *name)
{
    for (size_t i = 0; i < sizeof key_columns / sizeof key_columns[0]; i++)
        if (strcmp(name, key_columns[i]) == 0)
            return true;
    return false;
}

/* summary.csv's row of (setting, mode) as an object of its figures (key columns left out);
 * null when the folder has none. */
static json_t *summary_object(const ds *d, size_t setting, int mode)
{
    long row = report_summary_row(d, setting, mode);
    if (row < 0)
        return json_null();
    const csvt *t = &d->summary;
    json_t *o = json_object();
    for (size_t c = 0; c < t->ncols; c++)
        if (!is_key_column(t->header[c]))
            json_object_set_new(o, t->header[c], typed_cell(csvt_get(t, (size_t)row, (int)c)));
    return o;
}

/* The series after each iteration 0..last: median, min, max over the successful runs. */
static json_t *iterations_array(const ds *d, size_t setting, int mode)
{
    const ds_setting *set = &d->settings[setting];
    size_t field =
        set->rss_comparable ? offsetof(ds_sample, rss_bytes) : offsetof(ds_sample, class_objects);
    const char *name = set->rss_comparable ? "rss_bytes" : "class_objects";
    char min_name[32], max_name[32];
    snprintf(min_name, sizeof min_name, "%s_min", name);
    snprintf(max_name, sizeof max_name, "%s_max", name);
    json_t *a = json_array();
    int64_t last = ds_last_iteration(d, setting, mode);
    for (int64_t it = 0; it <= last; it++) {
        int64_t med, lo, hi;
        size_t n = ds_iter_stat(d, setting, mode, it, field, &med, &lo, &hi);
        if (n == 0)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "iteration", json_integer(it));
        json_object_set_new(o, "runs", json_integer((json_int_t)n));
        json_object_set_new(o, name, figure(med));
        json_object_set_new(o, min_name, figure(lo));
        json_object_set_new(o, max_name, figure(hi));
        json_array_append_new(a, o);
    }
    return a;
}

/* The types that grow (sites: the allocation sites of the traced runs), as objects. */
static json_t *types_array(const ds *d, size_t setting, int mode, bool sites, int *rc)
{
    growth_type g[JSON_TYPES_TOP];
    long n = sites ? growth_sites(d, setting, mode, g, JSON_TYPES_TOP)
                   : growth_types(d, setting, mode, g, JSON_TYPES_TOP);
    json_t *a = json_array();
    if (n < 0) {
        *rc = -1;
        return a;
    }
    for (long i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(g[i].name));
        json_object_set_new(o, "objects_per_iter", json_real(g[i].objects_per_iter));
        json_object_set_new(o, "bytes_per_iter", json_real(g[i].bytes_per_iter));
        json_object_set_new(o, "final_objects", figure(g[i].final_objects));
        json_object_set_new(o, "final_bytes", figure(g[i].final_bytes));
        json_object_set_new(o, "first_iteration", json_integer(g[i].first));
        json_object_set_new(o, "last_iteration", json_integer(g[i].last));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *failed_runs(const ds *d, size_t setting, int mode)
{
    const ds_setting *set = &d->settings[setting];
    json_t *a = json_array();
    for (size_t i = 0; i < set->nruns[mode]; i++) {
        const ds_run *run = &d->runs[set->runs[mode][i]];
        if (run->ok)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "run_id", json_string(run->run_id));
        json_object_set_new(o, "repeat", figure(run->repeat));
        json_object_set_new(o, "status", json_string(run->status));
        json_object_set_new(o, "message", json_string(run->message));
        json_array_append_new(a, o);
    }
    return a;
}

/* A summary.csv string of the setting (its first mode row's), or null. */
static json_t *setting_text(const ds *d, size_t setting, const char *column)
{
    for (int m = 0; m < DS_MODES; m++) {
        long row = report_summary_row(d, setting, m);
        if (row < 0)
            continue;
        int c = csvt_col(&d->summary, column);
        const char *v = csvt_get(&d->summary, (size_t)row, c);
        return c < 0 || *v == '\0' ? json_null() : json_string(v);
    }
    return json_null();
}

static json_t *setting_object(const ds *d, size_t setting, int *rc)
{
    const ds_setting *set = &d->settings[setting];
    json_t *o = json_object();
    json_object_set_new(o, "scenario", json_string(set->scenario));
    json_object_set_new(o, "runtime", json_string(set->runtime));
    json_object_set_new(o, "policy", json_string(set->policy));
    json_object_set_new(o, "allocator", json_string(set->allocator));
    json_object_set_new(o, "threshold", json_string(set->threshold));
    json_object_set_new(o, "rss_comparable", json_boolean(set->rss_comparable));
    json_object_set_new(o, "verdict", setting_text(d, setting, "verdict"));
    json_object_set_new(o, "verdict_basis", setting_text(d, setting, "verdict_basis"));
    json_object_set_new(o, "reason", setting_text(d, setting, "verdict_reason"));
    json_object_set_new(o, "rule", setting_text(d, setting, "verdict_rule"));
    const char *chain = growth_holder(d, setting);
    json_object_set_new(o, "holder_chain", chain != NULL ? json_string(chain) : json_null());
    json_t *modes = json_array();
    for (int m = 0; m < DS_MODES; m++) {
        if (set->nruns[m] == 0)
            continue;
        json_t *mo = json_object();
        json_object_set_new(mo, "mode", json_string(ds_mode_names[m]));
        json_object_set_new(mo, "title", json_string(ds_mode_titles[m]));
        json_object_set_new(mo, "summary", summary_object(d, setting, m));
        json_object_set_new(mo, "iterations", iterations_array(d, setting, m));
        json_object_set_new(mo, "types", types_array(d, setting, m, false, rc));
        json_object_set_new(mo, "alloc_sites", types_array(d, setting, m, true, rc));
        json_object_set_new(mo, "failed_runs", failed_runs(d, setting, m));
        json_array_append_new(modes, mo);
    }
    json_object_set_new(o, "modes", modes);
    return o;
}

int report_write_json(FILE *out, const ds *d, const char *const *scenarios, size_t nscenarios)
{
    int rc = 0;
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string(JSON_SCHEMA_ID));
    json_object_set_new(doc, "folder", json_string(d->dir));
    json_t *machine = json_object();
    for (size_t r = 0; r < d->machine.nrows; r++) {
        const char *k = csvt_get(&d->machine, r, 0), *v = csvt_get(&d->machine, r, 1);
        if (*k != '\0')
            json_object_set_new(machine, k, json_string(v));
    }
    json_object_set_new(doc, "machine", machine);
    json_t *settings = json_array();
    for (size_t s = 0; s < d->nsettings && rc == 0; s++) {
        bool want = nscenarios == 0;
        for (size_t i = 0; i < nscenarios && !want; i++)
            want = strcmp(d->settings[s].scenario, scenarios[i]) == 0;
        if (want)
            json_array_append_new(settings, setting_object(d, s, &rc));
    }
    json_object_set_new(doc, "settings", settings);
    if (rc == 0 &&
        json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0)
        rc = -1;
    if (rc == 0)
        fputc('\n', out);
    if (rc != 0)
        gcb_error("report: cannot write the JSON document");
    json_decref(doc);
    return rc != 0 || ferror(out) ? -1 : 0;
}
