/* fixture.c — temp results folders, file reading and output capture for the unit tests. */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *fx_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = malloc(4096);
    assert_non_null(dir);
    snprintf(dir, 4096, "%s/gcb-unit-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void fx_rmtree(const char *dir)
{
    assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

char *fx_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void fx_write(const char *dir, const char *name, const char *text)
{
    char *path = fx_path(dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    free(path);
}

char *fx_read(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 4096, used = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + used, 1, cap - used - 1, fp)) > 0) {
        used += got;
        if (cap - used < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    buf[used] = '\0';
    if (len != NULL)
        *len = used;
    return buf;
}

void fx_write_tiny(const char *dir)
{
    fx_write(dir, "machine.csv", "key,value\nhost,tinybox\n");
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,iterations,params,"
             "cpu,status,message,wall_ns,peak_rss_bytes\n"
             "r0001,tiny,native,py311,pymalloc,700/10/10,forced,1,2,,0,ok,,1000,10485760\n"
             "r0002,tiny,native,py311,pymalloc,700/10/10,auto,1,2,,0,ok,,1000,20971520\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,t_ns,rss_bytes,rss_anon_bytes,garbage\n"
             "r0001,iter,0,100,10485760,8388608,0\n"
             "r0001,tick,1,150,10485760,8388608,\n"
             "r0001,iter,1,200,10485760,8388608,0\n"
             "r0001,iter,2,300,10485760,8388608,0\n"
             "r0002,iter,0,100,10485760,8388608,0\n"
             "r0002,tick,1,150,12582912,10485760,\n"
             "r0002,iter,1,200,15728640,13631488,0\n"
             "r0002,iter,2,300,20971520,18874368,0\n");
    fx_write(dir, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,repeats,rss_growth_bytes_per_iter,"
             "garbage_growth_per_iter,verdict,verdict_reason\n"
             "tiny,native,py311,pymalloc,700/10/10,forced,1,0,0,delayed,"
             "\"grows without forced collection, flat with it\"\n"
             "tiny,native,py311,pymalloc,700/10/10,auto,1,5242880,0,delayed,"
             "\"grows without forced collection, flat with it\"\n");
}

void fx_capture_begin(fx_capture *c, int fd)
{
    fflush(stdout);
    fflush(stderr);
    c->fd = fd;
    snprintf(c->path, sizeof c->path, "/tmp/gcb-capture-XXXXXX");
    int tmp = mkstemp(c->path);
    assert_true(tmp >= 0);
    c->saved_fd = dup(fd);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(tmp, fd) >= 0);
    close(tmp);
}

char *fx_capture_end(fx_capture *c)
{
    fflush(stdout);
    fflush(stderr);
    assert_true(dup2(c->saved_fd, c->fd) >= 0);
    close(c->saved_fd);
    char *text = fx_read(c->path, NULL);
    assert_non_null(text);
    unlink(c->path);
    return text;
}

const char *fx_line(const char *text, size_t index, char *buf, size_t len)
{
    for (size_t i = 0; i < index && text != NULL; i++) {
        text = strchr(text, '\n');
        if (text != NULL)
            text++;
    }
    buf[0] = '\0';
    if (text != NULL && *text) {
        size_t n = strcspn(text, "\n");
        snprintf(buf, len, "%.*s", (int)n, text);
    }
    return buf;
}
