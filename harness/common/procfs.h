/* procfs.h — reading a process's memory from /proc: RSS and its parts, the high-water mark,
 * and resetting that mark; a process's parent. The one place that parses /proc files. */
#ifndef GCB_PROCFS_H
#define GCB_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

typedef struct procfs_mem {
    int64_t rss_bytes;      /* VmRSS / statm resident */
    int64_t rss_anon_bytes; /* RssAnon (statm: resident - shared) */
    int64_t rss_file_bytes; /* RssFile (statm: shared) */
    int64_t hwm_bytes;      /* VmHWM: peak RSS since start or the last reset; -1 from statm */
} procfs_mem;

/* This process, from /proc/self/status. Returns 0, or -1. Allocates nothing. */
int procfs_self(procfs_mem *m);

/* Process pid, from /proc/PID/statm (cheap: what the tick sampler reads). 0 or -1. */
int procfs_statm(pid_t pid, procfs_mem *m);

/* Process pid's parent, from /proc/PID/stat (the field after the command's last ')'), or -1
 * when pid is gone. */
pid_t procfs_parent(pid_t pid);

/* Resets this process's VmHWM to its current RSS by writing "5" to /proc/self/clear_refs.
 * Returns 0, or -1 where the kernel does not allow it. */
int procfs_reset_peak(void);

#endif /* GCB_PROCFS_H */
