/* fuzz_dataset.c — libFuzzer target of the results-folder loader (dataset.h) and what the
 * readers compute from it: the input is a results folder, its files one after another in the
 * order runs.csv, samples.csv, machine.csv, summary.csv, each ended by a line "@@" (the
 * separator "\n@@\n"); a file the input does not reach is absent. They are written into a
 * folder of this process's own under /dev/shm (else $TMPDIR, /tmp), then:
 *
 *   ds_load, and on success summary_write (the summaries and verdicts of `bench run`),
 *   compare_print of the folder beside itself (`bench compare`), ds_free;
 *   cmd_report in one of its formats, picked by the input (`bench report`).
 *
 * Output goes to /dev/null; run it with -close_fd_mask=3 to silence the readers' messages
 * (tests/fuzz/run_fuzz.py does). A failed load must say where: its message starts with the
 * path of one of the folder's files, or the folder's ("DIR: out of memory").
 *
 *   build-fuzz/tests/fuzz/fuzz_dataset -dict=tests/fuzz/csv.dict CORPUS tests/fuzz/corpus/dataset
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "dataset.h"
#include "report.h"
#include "schema.h"
#include "summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {GCB_RUNS_CSV, GCB_SAMPLES_CSV, GCB_MACHINE_CSV,
                                    GCB_SUMMARY_CSV};
#define NFILES (sizeof files / sizeof files[0])
#define SEPARATOR "\n@@\n"

static char dir[256]; /* this process's folder */
static FILE *devnull; /* where the readers print */

static void path_of(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static void remove_folder(void)
{
    char path[512];
    for (size_t i = 0; i < NFILES; i++) {
        path_of(path, sizeof path, files[i]);
        unlink(path);
    }
    path_of(path, sizeof path, "out-summary.csv");
    unlink(path);
    rmdir(dir);
}

static void setup(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gcb-fuzz-dataset-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    devnull = fopen("/dev/null", "w");
    if (mkdtemp(dir) == NULL || devnull == NULL) {
        fprintf(stderr, "fuzz_dataset: cannot make %s: %s\n", dir, strerror(errno));
        abort();
    }
    /* cmd_report prints to stdout */
    if (freopen("/dev/null", "w", stdout) == NULL)
        abort();
    atexit(remove_folder);
}

static void write_file(const char *name, const uint8_t *bytes, size_t n)
{
    char path[512];
    path_of(path, sizeof path, name);
    FILE *fp = fopen(path, "w");
    if (fp == NULL || (n > 0 && fwrite(bytes, 1, n, fp) != n) || fclose(fp) != 0) {
        fprintf(stderr, "fuzz_dataset: cannot write %s: %s\n", path, strerror(errno));
        abort();
    }
}

/* Splits the input at the separators into the folder's files; removes those it lacks. */
static void write_folder(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    for (size_t i = 0; i < NFILES; i++) {
        char path[512];
        path_of(path, sizeof path, files[i]);
        if (p == NULL) {
            unlink(path);
            continue;
        }
        const uint8_t *sep = memmem(p, (size_t)(end - p), SEPARATOR, strlen(SEPARATOR));
        const uint8_t *stop = sep != NULL ? sep + 1 : end; /* the file keeps its last '\n' */
        write_file(files[i], p, (size_t)(stop - p));
        p = sep != NULL ? sep + strlen(SEPARATOR) : NULL;
    }
}

/* What `bench run` computes at its end, and `bench compare`, on a folder that loaded. */
static void use_folder(const ds *d)
{
    char path[512];
    path_of(path, sizeof path, "out-summary.csv");
    if (summary_write(d, path) != 0 && errno != ENOMEM) {
        fprintf(stderr, "fuzz_dataset: summary_write: %s\n", strerror(errno));
        abort();
    }
    ds pair[2] = {*d, *d}; /* read-only: the folder beside itself */
    compare_print(devnull, pair, 2, (compare_format)(d->nruns % 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"text", "markdown", "csv", "json"};
    if (devnull == NULL)
        setup();
    write_folder(data, size);
    ds d;
    char err[4096] = "";
    if (ds_load(&d, dir, err, sizeof err) == 0) {
        use_folder(&d);
        ds_free(&d);
    } else if (strncmp(err, dir, strlen(dir)) != 0 ||
               (err[strlen(dir)] != '/' && err[strlen(dir)] != ':')) {
        fprintf(stderr, "fuzz_dataset: a message that names no file of the folder: %s\n", err);
        abort();
    }
    char *argv[] = {"report", dir, "--format", (char *)formats[size % 4], NULL};
    cmd_report(4, argv);
    return 0;
}
