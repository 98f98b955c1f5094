/* procfs.c — reading a process's memory from /proc (see procfs.h). */
#include "procfs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a whole small /proc file into buf (NUL-terminated). Returns bytes read, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < len - 1) {
        ssize_t n = read(fd, buf + got, len - 1 - got);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    return (ssize_t)got;
}

/* The value in kB of "key:   123 kB" in a status file, in bytes; -1 when absent. */
static int64_t status_kb(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = text; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (strncmp(p, key, klen) == 0 && p[klen] == ':')
            return strtoll(p + klen + 1, NULL, 10) * 1024;
    }
    return -1;
}

int procfs_self(procfs_mem *m)
{
    char buf[4096];
    if (read_small("/proc/self/status", buf, sizeof buf) <= 0)
        return -1;
    m->rss_bytes = status_kb(buf, "VmRSS");
    m->rss_anon_bytes = status_kb(buf, "RssAnon");
    m->rss_file_bytes = status_kb(buf, "RssFile");
    m->hwm_bytes = status_kb(buf, "VmHWM");
    return m->rss_bytes < 0 ? -1 : 0;
}

int procfs_statm(pid_t pid, procfs_mem *m)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    if (read_small(path, buf, sizeof buf) <= 0)
        return -1;
    long long size, resident, shared;
    if (sscanf(buf, "%lld %lld %lld", &size, &resident, &shared) != 3)
        return -1;
    int64_t page = sysconf(_SC_PAGESIZE);
    m->rss_bytes = resident * page;
    m->rss_file_bytes = shared * page;
    m->rss_anon_bytes = (resident - shared) * page;
    m->hwm_bytes = -1;
    return 0;
}

pid_t procfs_parent(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* "PID (COMMAND) STATE PPID …": COMMAND may hold ')' and spaces, so the last ')' */
    const char *p = strrchr(buf, ')');
    char state;
    int ppid;
    if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}

int procfs_reset_peak(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, "5", 1);
    close(fd);
    return n == 1 ? 0 : -1;
}
