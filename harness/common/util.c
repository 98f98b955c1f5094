/* util.c — small shared pieces of the bench program (see util.h). */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

void gcb_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void gcb_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (cmd != NULL)
        fprintf(stderr, "Try 'bench %s --help'.\n", cmd);
    else
        fputs("Try 'bench --help'.\n", stderr);
}

void gcb_usage_getopt(const char *cmd, int c, const char *arg)
{
    if (c == ':')
        gcb_usage_error(cmd, "option '%s' needs a value", arg);
    else
        gcb_usage_error(cmd, "unknown option '%s'", arg);
}

int gcb_parse_choice(const char *cmd, const char *opt, const char *value, const char *const *names,
                     size_t n)
{
    char choices[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(value, names[i]) == 0)
            return (int)i;
        used += (size_t)snprintf(choices + used, used < sizeof choices ? sizeof choices - used : 0,
                                 "%s%s",
                                 i == 0       ? ""
                                 : i + 1 == n ? " or "
                                              : ", ",
                                 names[i]);
    }
    gcb_usage_error(cmd, "%s '%s' is not one of %s", opt, value, choices);
    return -1;
}

int gcb_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int gcb_parse_size(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || v < 0)
        return -1;
    static const struct {
        const char *suffix;
        double scale;
    } units[] = {
        {"", 1.0},
        {"b", 1.0},
        {"k", 1024.0},
        {"kb", 1024.0},
        {"kib", 1024.0},
        {"m", 1048576.0},
        {"mb", 1048576.0},
        {"mib", 1048576.0},
        {"g", 1073741824.0},
        {"gb", 1073741824.0},
        {"gib", 1073741824.0},
        {"t", 1099511627776.0},
        {"tb", 1099511627776.0},
        {"tib", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(end, units[i].suffix) == 0) {
            double bytes = v * units[i].scale;
            if (bytes >= 18446744073709551615.0)
                return -1;
            *out = (uint64_t)bytes;
            return 0;
        }
    }
    return -1;
}

int gcb_parse_seconds(const char *s, double *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !(v > 0) || v > 1e9)
        return -1;
    *out = v;
    return 0;
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gcb_now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
int64_t gcb_cpu_ns(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

int gcb_exe_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0 || (size_t)n >= len - 1)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int gcb_share_dir(const char *sub, const char *env, char *buf, size_t len)
{
    const char *value = getenv(env);
    if (value != NULL && *value != '\0') {
        snprintf(buf, len, "%s", value);
        return is_dir(buf) ? 0 : -1;
    }
    char exe[PATH_MAX];
    if (gcb_exe_dir(exe, sizeof exe) == 0) {
        snprintf(buf, len, "%s/../share/gcbench/%s", exe, sub);
        if (is_dir(buf))
            return 0;
    }
    snprintf(buf, len, "%s/%s", GCB_SOURCE_ROOT, sub);
    return is_dir(buf) ? 0 : -1;
}

int gcb_plots_dir(char *buf, size_t len)
{
    return gcb_share_dir("plots", "GCBENCH_PLOTS_DIR", buf, len);
}

int gcb_find_worker(const char *name, char *buf, size_t len)
{
    char dir[PATH_MAX];
    if (gcb_exe_dir(dir, sizeof dir) != 0)
        return -1;
    static const char *const places[] = {"%s/%s", "%s/../libexec/gcbench/%s"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if (snprintf(buf, len, places[i], dir, name) < (int)len && access(buf, X_OK) == 0)
            return 0;
    return -1;
}

int gcb_find_share_file(const char *name, char *buf, size_t len)
{
    char dir[PATH_MAX];
    if (gcb_exe_dir(dir, sizeof dir) != 0)
        return -1;
    static const char *const places[] = {"%s/%s", "%s/../share/gcbench/%s",
                                         "%s/../../share/gcbench/%s"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if (snprintf(buf, len, places[i], dir, name) < (int)len && access(buf, R_OK) == 0)
            return 0;
    return -1;
}

int gcb_capture_line(char *const argv[], char *out, size_t len)
{
    out[0] = '\0';
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (dup2(fds[1], 1) < 0 || (devnull >= 0 && dup2(devnull, 2) < 0))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t n;
    while (pid > 0 && got < len - 1 && (n = read(fds[0], out + got, len - 1 - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    out[got] = '\0';
    out[strcspn(out, "\n")] = '\0';
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

int gcb_mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return -1;
    if (!is_dir(tmp)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

void gcb_fmt_mib(char *buf, size_t len, int64_t bytes)
{
    snprintf(buf, len, "%.2f", (double)bytes / 1048576.0);
}

size_t gcb_display_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

uint64_t gcb_hash_strings(const char *const *parts, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) {
        for (const char *c = parts[i]; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211u;
        h = (h ^ 0x1fu) * 1099511628211u;
    }
    return h;
}
