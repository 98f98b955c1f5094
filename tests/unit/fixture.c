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

void fx_write_side(const char *dir)
{
    fx_write(dir, "machine.csv", "key,value\nhost,sidebox\n");
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,status,message,"
             "wall_ns,peak_rss_bytes,collections,pause_ns_total\n"
             "n1,side,native,py311,pymalloc,700/10/10,forced,1,ok,,1000000000,20971520,5,"
             "7000000\n"
             "n2,side,native,py311,pymalloc,700/10/10,auto,1,ok,,1200000000,31457280,2,7000000\n"
             "n3,side,native,py311,pymalloc,2000/10/10,forced,1,ok,,900000000,11534336,2,"
             "2000000\n"
             "n4,side,native,py311,pymalloc,2000/10/10,auto,1,failed,\"boom, at step 2\",,,,\n"
             "p1,side,python,cpython,pymalloc,700/10/10,forced,1,ok,,2000000000,23068672,3,"
             "6000000\n"
             "p2,side,python,cpython,pymalloc,700/10/10,auto,1,ok,,2500000000,41943040,1,"
             "5000000\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,t_ns,rss_bytes,garbage\n"
             "n1,iter,0,100000000,10485760,0\n"
             "n1,tick,1,150000000,20971520,\n"
             "n1,iter,1,200000000,12582912,0\n"
             "n1,tick,2,250000000,23068672,\n"
             "n1,iter,2,300000000,12582912,0\n"
             "n2,iter,0,100000000,10485760,0\n"
             "n2,tick,1,150000000,15728640,\n"
             "n2,iter,1,200000000,20971520,0\n"
             "n2,tick,2,250000000,26214400,\n"
             "n2,iter,2,300000000,31457280,0\n"
             "n3,iter,0,100000000,10485760,0\n"
             "n3,iter,1,200000000,11534336,0\n"
             "n3,iter,2,300000000,11534336,0\n"
             "n4,iter,0,100000000,10485760,0\n"
             "n4,iter,1,200000000,26214400,0\n"
             "p1,iter,0,100000000,20971520,0\n"
             "p1,iter,1,200000000,23068672,0\n"
             "p1,iter,2,300000000,23068672,0\n"
             "p2,iter,0,100000000,20971520,0\n"
             "p2,iter,1,200000000,31457280,0\n"
             "p2,iter,2,300000000,41943040,0\n");
    fx_write(dir, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,repeats,failed_repeats,"
             "final_rss_bytes,peak_rss_bytes,rss_growth_bytes_per_iter,"
             "rss_growth_bytes_per_iter_min,rss_growth_bytes_per_iter_max,"
             "garbage_growth_per_iter,collections,pause_ns_median,pause_ns_max,wall_ns,verdict,"
             "verdict_reason,peak_above_baseline_bytes,cpython_rss_growth_bytes_per_iter,"
             "growth_ratio_to_cpython,cpython_peak_above_baseline_bytes,peak_ratio_to_cpython\n"
             "side,native,py311,pymalloc,700/10/10,forced,1,0,12582912,20971520,0,0,0,0,5,"
             "1500000,2500000,1000000000,delayed,\"flat with forced collection, grows without "
             "it\",10485760,0,,10485760,1\n"
             "side,native,py311,pymalloc,700/10/10,auto,1,0,31457280,31457280,10485760,10485760,"
             "10485760,0,2,3000000,4000000,1200000000,delayed,\"flat with forced collection, "
             "grows without it\",20971520,10485760,1,20971520,1\n"
             "side,native,py311,pymalloc,2000/10/10,forced,1,0,11534336,11534336,0,0,0,0,2,"
             "1000000,1000000,900000000,released,flat in every mode that ran,1048576,,,,\n"
             "side,native,py311,pymalloc,2000/10/10,auto,0,1,,,,,,,,,,,released,"
             "flat in every mode that ran,,,,,\n"
             "side,python,cpython,pymalloc,700/10/10,forced,1,0,23068672,23068672,0,0,0,0,3,"
             "2000000,2000000,2000000000,delayed,\"flat with forced collection, grows without "
             "it\",2097152,,,,\n"
             "side,python,cpython,pymalloc,700/10/10,auto,1,0,41943040,41943040,10485760,"
             "10485760,10485760,0,1,5000000,5000000,2500000000,delayed,\"flat with forced "
             "collection, grows without it\",20971520,,,,\n");
}

void fx_write_policies(const char *dir)
{
    fx_write(dir, "machine.csv", "key,value\nhost,policybox\n");
    fx_write(dir, "runs.csv",
             "run_id,scenario,runtime,policy,allocator,threshold,mode,repeat,status,wall_ns,"
             "peak_rss_bytes,collections,pause_ns_p95,rss_comparable\n"
             "n1,xr,native,py311,pymalloc,700/10/10,forced,1,ok,1000000000,12582912,3,2000000,"
             "1\n"
             "n2,xr,native,py311,pymalloc,700/10/10,auto,1,ok,1000000000,94371840,1,2000000,1\n"
             "i1,xr,native,py314inc,pymalloc,2000/10/0,forced,1,ok,1000000000,12582912,3,"
             "2000000,1\n"
             "i2,xr,native,py314inc,pymalloc,2000/10/0,auto,1,ok,1000000000,136314880,0,"
             "2000000,1\n"
             "w1,xr,pyodide-3.12.7,cpython,malloc,700/10/10,forced,1,ok,1000000000,251658240,"
             "3,2000000,0\n"
             "w2,xr,pyodide-3.12.7,cpython,malloc,700/10/10,auto,1,ok,1000000000,251658240,1,"
             "2000000,0\n");
    fx_write(dir, "samples.csv",
             "run_id,kind,iteration,t_ns,rss_bytes,live_objects,garbage,collections_gen0,"
             "collections_gen1,collections_gen2,type_name\n"
             "n1,iter,0,100000000,10485760,,0,0,0,0,\n"
             "n1,class,0,,,0,,,,,A\n"
             "n1,class,0,,,0,,,,,B\n"
             "n1,iter,1,200000000,12582912,,0,0,0,1,\n"
             "n1,class,1,,,0,,,,,A\n"
             "n1,class,1,,,0,,,,,B\n"
             "n1,iter,2,300000000,12582912,,0,0,0,2,\n"
             "n1,class,2,,,0,,,,,A\n"
             "n1,class,2,,,0,,,,,B\n"
             "n1,iter,3,400000000,12582912,,0,0,0,3,\n"
             "n1,class,3,,,0,,,,,A\n"
             "n1,class,3,,,0,,,,,B\n"
             "n2,iter,0,100000000,10485760,,0,0,0,0,\n"
             "n2,class,0,,,0,,,,,A\n"
             "n2,class,0,,,0,,,,,B\n"
             "n2,iter,1,200000000,52428800,,0,0,0,0,\n"
             "n2,class,1,,,100,,,,,A\n"
             "n2,class,1,,,100,,,,,B\n"
             "n2,iter,2,300000000,94371840,,0,0,0,0,\n"
             "n2,class,2,,,200,,,,,A\n"
             "n2,class,2,,,200,,,,,B\n"
             "n2,iter,3,400000000,52428800,,0,1,0,0,\n"
             "n2,class,3,,,100,,,,,A\n"
             "n2,class,3,,,100,,,,,B\n"
             "i1,iter,0,100000000,10485760,,0,0,0,0,\n"
             "i1,class,0,,,0,,,,,A\n"
             "i1,class,0,,,0,,,,,B\n"
             "i1,iter,1,200000000,12582912,,0,0,0,1,\n"
             "i1,class,1,,,0,,,,,A\n"
             "i1,class,1,,,0,,,,,B\n"
             "i1,iter,2,300000000,12582912,,0,0,0,2,\n"
             "i1,class,2,,,0,,,,,A\n"
             "i1,class,2,,,0,,,,,B\n"
             "i1,iter,3,400000000,12582912,,0,0,0,3,\n"
             "i1,class,3,,,0,,,,,A\n"
             "i1,class,3,,,0,,,,,B\n"
             "i2,iter,0,100000000,10485760,,0,0,0,0,\n"
             "i2,class,0,,,0,,,,,A\n"
             "i2,class,0,,,0,,,,,B\n"
             "i2,iter,1,200000000,52428800,,0,0,0,0,\n"
             "i2,class,1,,,100,,,,,A\n"
             "i2,class,1,,,100,,,,,B\n"
             "i2,iter,2,300000000,94371840,,0,0,0,0,\n"
             "i2,class,2,,,200,,,,,A\n"
             "i2,class,2,,,200,,,,,B\n"
             "i2,iter,3,400000000,136314880,,0,0,0,0,\n"
             "i2,class,3,,,300,,,,,A\n"
             "i2,class,3,,,300,,,,,B\n"
             "w1,iter,0,100000000,157286400,,0,0,0,0,\n"
             "w1,class,0,,,0,,,,,A\n"
             "w1,class,0,,,0,,,,,B\n"
             "w1,iter,1,200000000,188743680,,0,0,0,1,\n"
             "w1,class,1,,,0,,,,,A\n"
             "w1,class,1,,,0,,,,,B\n"
             "w1,iter,2,300000000,220200960,,0,0,0,2,\n"
             "w1,class,2,,,0,,,,,A\n"
             "w1,class,2,,,0,,,,,B\n"
             "w1,iter,3,400000000,251658240,,0,0,0,3,\n"
             "w1,class,3,,,0,,,,,A\n"
             "w1,class,3,,,0,,,,,B\n"
             "w2,iter,0,100000000,157286400,,0,0,0,0,\n"
             "w2,class,0,,,0,,,,,A\n"
             "w2,class,0,,,0,,,,,B\n"
             "w2,iter,1,200000000,188743680,,0,0,0,0,\n"
             "w2,class,1,,,100,,,,,A\n"
             "w2,class,1,,,100,,,,,B\n"
             "w2,iter,2,300000000,220200960,,0,0,0,0,\n"
             "w2,class,2,,,200,,,,,A\n"
             "w2,class,2,,,200,,,,,B\n"
             "w2,iter,3,400000000,251658240,,0,1,0,0,\n"
             "w2,class,3,,,100,,,,,A\n"
             "w2,class,3,,,100,,,,,B\n");
    fx_write(dir, "summary.csv",
             "scenario,runtime,policy,allocator,threshold,mode,repeats,failed_repeats,"
             "final_rss_bytes,peak_rss_bytes,rss_growth_bytes_per_iter,"
             "garbage_growth_per_iter,collections,pause_ns_p95,wall_ns,verdict,verdict_reason,"
             "rss_comparable,verdict_basis,class_objects_final,class_objects_growth_per_iter,"
             "collections_gen0,collections_gen1,collections_gen2\n"
             "xr,native,py311,pymalloc,700/10/10,forced,1,0,12582912,12582912,0,0,3,2000000,"
             "1000000000,delayed,\"flat with forced collection (+0.00 MiB/iter) but not "
             "without it (+0.00 MiB/iter, mean +51.33 MiB above forced; limit 2.00)\",1,rss,0,"
             "0,0,0,3\n"
             "xr,native,py311,pymalloc,700/10/10,auto,1,0,52428800,94371840,0,0,1,2000000,"
             "1000000000,delayed,\"flat with forced collection (+0.00 MiB/iter) but not "
             "without it (+0.00 MiB/iter, mean +51.33 MiB above forced; limit 2.00)\",1,rss,"
             "200,0,1,0,0\n"
             "xr,native,py314inc,pymalloc,2000/10/0,forced,1,0,12582912,12582912,0,0,3,"
             "2000000,1000000000,delayed,\"flat with forced collection (+0.00 MiB/iter) but "
             "not without it (+40.00 MiB/iter, mean +78.00 MiB above forced; limit 2.00)\",1,"
             "rss,0,0,0,0,3\n"
             "xr,native,py314inc,pymalloc,2000/10/0,auto,1,0,136314880,136314880,41943040,0,0,"
             "2000000,1000000000,delayed,\"flat with forced collection (+0.00 MiB/iter) but "
             "not without it (+40.00 MiB/iter, mean +78.00 MiB above forced; limit 2.00)\",1,"
             "rss,600,200,0,0,0\n"
             "xr,pyodide-3.12.7,cpython,malloc,700/10/10,forced,1,0,251658240,251658240,"
             "31457280,0,3,2000000,1000000000,delayed,\"by live instances of the scenario's "
             "classes (RSS not comparable): flat with forced collection (+0.0 objects/iter) "
             "but not without it (+0.0 objects/iter, mean +266.7 objects above forced; limit "
             "10.0)\",0,class_objects,0,0,0,0,3\n"
             "xr,pyodide-3.12.7,cpython,malloc,700/10/10,auto,1,0,251658240,251658240,"
             "31457280,0,1,2000000,1000000000,delayed,\"by live instances of the scenario's "
             "classes (RSS not comparable): flat with forced collection (+0.0 objects/iter) "
             "but not without it (+0.0 objects/iter, mean +266.7 objects above forced; limit "
             "10.0)\",0,class_objects,200,0,1,0,0\n");
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
