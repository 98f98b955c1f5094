/* planfile.c — writing a plan's job list and SLURM array script (see planfile.h). */
#include "planfile.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

bool planfile_quote(char *buf, size_t len, size_t *at, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr("-_./=,:+%@", *c) != NULL))
            plain = false;
    const char *parts[3] = {plain ? "" : "'", s, plain ? "" : "'"};
    for (int p = 0; p < 3; p++)
        for (const char *c = parts[p]; *c; c++) {
            char one[2] = {*c, '\0'};
            const char *piece = p == 1 && *c == '\'' ? "'\\''" : one;
            size_t n = strlen(piece);
            if (*at + n + 1 > len)
                return false;
            memcpy(buf + *at, piece, n);
            *at += n;
            buf[*at] = '\0';
        }
    return true;
}

/* Appends s to the line as one more word (after a space): quoted, or raw (an operator). */
static bool word(char *line, size_t len, size_t *at, const char *s, bool raw)
{
    if (*at > 0) {
        if (*at + 2 > len)
            return false;
        line[(*at)++] = ' ';
        line[*at] = '\0';
    }
    if (!raw)
        return planfile_quote(line, len, at, s);
    size_t n = strlen(s);
    if (*at + n + 1 > len)
        return false;
    memcpy(line + *at, s, n + 1);
    *at += n;
    return true;
}

/* Whether folder holds anything. */
static bool has_entries(const char *folder)
{
    DIR *d = opendir(folder);
    if (d == NULL)
        return false;
    bool any = false;
    for (struct dirent *e; !any && (e = readdir(d)) != NULL;)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

/* Writes text to path through path.tmp and a rename. 0 or -1 (errno). */
static int write_whole(const char *path, const char *text, mode_t mode)
{
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (fp == NULL)
        return -1;
    bool ok = fputs(text, fp) >= 0;
    ok = fclose(fp) == 0 && ok;
    if (!ok || chmod(tmp, mode) != 0 || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

/* Appends formatted text to a growing buffer. false when memory ran out. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static bool add(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->cap + n + 1) * 2;
        char *grown = realloc(t->s, cap);
        if (grown == NULL)
            return false;
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
    return true;
}

int planfile_write(const planfile *p, char *err, size_t errlen)
{
    char shards[PATH_MAX], logs[PATH_MAX], path[PATH_MAX];
    snprintf(shards, sizeof shards, "%s/shards", p->dir);
    snprintf(logs, sizeof logs, "%s/logs", p->dir);
    if (has_entries(shards)) {
        snprintf(err, errlen,
                 "%s holds an earlier plan's shards; choose another --out, or remove it first",
                 shards);
        return -1;
    }
    if (gcb_mkdirs(shards) != 0 || gcb_mkdirs(logs) != 0) {
        snprintf(err, errlen, "cannot make %s: %s", shards, strerror(errno));
        return -1;
    }
    /* jobs.txt: line K runs shard K (cd first: relative paths in args resolve as they did) */
    text jobs = {0};
    char line[65536];
    bool ok = true;
    for (size_t k = 1; ok && k <= p->shards; k++) {
        size_t at = 0;
        line[0] = '\0';
        char shard[64], out[PATH_MAX + 32];
        snprintf(shard, sizeof shard, "%zu/%zu", k, p->shards);
        snprintf(out, sizeof out, "%s/shards/%zu", p->dir, k);
        ok = word(line, sizeof line, &at, "cd", false) &&
             word(line, sizeof line, &at, p->cwd, false) &&
             word(line, sizeof line, &at, "&&", true) &&
             word(line, sizeof line, &at, p->bench, false) &&
             word(line, sizeof line, &at, "run", false);
        for (size_t i = 0; ok && i < p->nargs; i++)
            ok = word(line, sizeof line, &at, p->args[i], false);
        const char *tail[] = {"--shard", shard, "--out", out, "--quiet", "--no-plot"};
        for (size_t i = 0; ok && i < sizeof tail / sizeof tail[0]; i++)
            ok = word(line, sizeof line, &at, tail[i], false);
        ok = ok && add(&jobs, line) && add(&jobs, "\n");
    }
    if (!ok) {
        free(jobs.s);
        snprintf(err, errlen, "the run options are too long for a job line");
        return -1;
    }
    snprintf(path, sizeof path, "%s/jobs.txt", p->dir);
    if (write_whole(path, jobs.s, 0644) != 0) {
        free(jobs.s);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    free(jobs.s);
    /* slurm.sbatch: task K runs line K */
    char qjobs[PATH_MAX * 2] = "", qlogs[PATH_MAX * 2] = "";
    size_t a = 0, b = 0;
    planfile_quote(qjobs, sizeof qjobs, &a, path);
    planfile_quote(qlogs, sizeof qlogs, &b, logs);
    char script[PATH_MAX * 8];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "# slurm.sbatch — written by `bench plan`: plan %s, %zu run(s) in %zu shard(s), a\n"
             "# SLURM array job whose task K runs line K of jobs.txt (`bench run --shard K/%zu`).\n"
             "# Submit: sbatch %s/slurm.sbatch   (sbatch's own options, --time=…, --partition=…,\n"
             "# go before the script's name). Then: bench merge %s/shards/* --out RESULTS\n"
             "#SBATCH --job-name=gcbench-%.8s\n"
             "#SBATCH --array=1-%zu\n"
             "#SBATCH --ntasks=1\n"
             "#SBATCH --cpus-per-task=1\n"
             "#SBATCH --output=%s/%%a.out\n"
             "#SBATCH --error=%s/%%a.err\n"
             "set -eu\n"
             "line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s)\n"
             "if [ -z \"$line\" ]; then\n"
             "    echo \"no line $SLURM_ARRAY_TASK_ID in %s\" >&2\n"
             "    exit 2\n"
             "fi\n"
             "exec sh -c \"$line\"\n",
             p->plan_id, p->runs, p->shards, p->shards, p->dir, p->dir, p->plan_id, p->shards,
             logs, logs, qjobs, path);
    snprintf(path, sizeof path, "%s/slurm.sbatch", p->dir);
    if (write_whole(path, script, 0755) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
