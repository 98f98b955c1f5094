/* runtimes.c — asking interpreters and Pyodide packages what they are (see runtimes.h). */
#include "runtimes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

const char rtm_pyodide_hint[] =
    "get one with 'npm pack pyodide@314.0.8 && tar xzf pyodide-314.0.8.tgz' (DIR: package) or "
    "'npm install pyodide@314.0.8' (DIR: node_modules/pyodide); ./setup.sh puts four in "
    "~/.cache/gcbench/pyodide";

/* ---- running a probe ------------------------------------------------------------------------ */

enum { CAPTURE_NO_START = -1, CAPTURE_TIMEOUT = -2 };

/* Appends what fd has to buf (NUL-ended, at most len - 1 bytes kept); false at end of file. */
static bool drain(int fd, char *buf, size_t len, size_t *used)
{
    char chunk[1024];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    size_t keep = (size_t)n < len - 1 - *used ? (size_t)n : len - 1 - *used;
    memcpy(buf + *used, chunk, keep);
    *used += keep;
    buf[*used] = '\0';
    return true;
}

/* Runs argv (no shell, stdin from /dev/null) for at most timeout_s seconds: its stdout into out,
 * its stderr into err_out (both NUL-ended, cut to size). Returns its wait status, or
 * CAPTURE_NO_START (errno set) or CAPTURE_TIMEOUT (killed). */
static int capture(char *const argv[], int timeout_s, char *out, size_t len, char *err_out,
                   size_t errlen)
{
    int o[2], e[2];
    out[0] = err_out[0] = '\0';
    if (pipe2(o, O_CLOEXEC) != 0)
        return CAPTURE_NO_START;
    if (pipe2(e, O_CLOEXEC) != 0) {
        close(o[0]);
        close(o[1]);
        return CAPTURE_NO_START;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0)
            _exit(127);
        signal(SIGINT, SIG_DFL);
        execv(argv[0], argv);
        dprintf(2, "%s\n", strerror(errno));
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    if (pid < 0) {
        close(o[0]);
        close(e[0]);
        return CAPTURE_NO_START;
    }
    struct pollfd fds[2] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}};
    size_t used_out = 0, used_err = 0;
    int64_t deadline = gcb_now_ns() + (int64_t)timeout_s * 1000000000;
    bool timed_out = false;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        int64_t left_ms = (deadline - gcb_now_ns()) / 1000000;
        if (left_ms <= 0) {
            timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, (int)left_ms) < 0)
            continue;
        if (fds[0].fd >= 0 && fds[0].revents && !drain(o[0], out, len, &used_out))
            fds[0].fd = -1;
        if (fds[1].fd >= 0 && fds[1].revents && !drain(e[0], err_out, errlen, &used_err))
            fds[1].fd = -1;
    }
    close(o[0]);
    close(e[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return timed_out ? CAPTURE_TIMEOUT : status;
}

/* The last non-empty line of text, cut to fit buf, for a message. */
static void last_line(const char *text, char *buf, size_t len)
{
    size_t end = strlen(text);
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' '))
        end--;
    size_t start = end;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    snprintf(buf, len, "%.*s", (int)(end - start), text + start);
}

/* Splits text into at most max lines (in place); returns how many. */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l != NULL && n < max;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    return n;
}

/* Why a probe that did not exit 0 failed, into err. */
static void probe_failure(int status, int timeout_s, const char *stderr_text, char *err,
                          size_t errlen)
{
    char line[256];
    last_line(stderr_text, line, sizeof line);
    if (status == CAPTURE_NO_START)
        snprintf(err, errlen, "cannot be run (%s)", strerror(errno));
    else if (status == CAPTURE_TIMEOUT)
        snprintf(err, errlen, "did not answer within %d s", timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(err, errlen, "was killed by signal %d%s%s", WTERMSIG(status), *line ? ": " : "",
                 line);
    else
        snprintf(err, errlen, "exited with status %d%s%s", WEXITSTATUS(status), *line ? ": " : "",
                 line);
}

/* A file that exists, is not a folder and may be executed; else -1 with why in err. */
static int check_executable(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s", errno == ENOENT ? "no such file" : strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a folder, not an interpreter");
        return -1;
    }
    if (access(path, X_OK) != 0) {
        snprintf(err, errlen, "is not executable (%s)", strerror(errno));
        return -1;
    }
    return 0;
}

/* Checks the four answer lines every probe prints — implementation, X.Y.Z, T0,T1,T2,
 * sys.version — into rt and xyz. */
static int read_answer(char **lines, size_t n, plan_runtime *rt, char *xyz, size_t xyzlen,
                       char *err, size_t errlen)
{
    int major, minor, micro, t[3];
    char extra;
    if (n < 4 || sscanf(lines[1], "%d.%d.%d%c", &major, &minor, &micro, &extra) != 3) {
        snprintf(err, errlen, "did not answer as a Python interpreter would (it printed '%.80s')",
                 n > 0 ? lines[0] : "");
        return -1;
    }
    if (strcmp(lines[0], "cpython") != 0) {
        snprintf(err, errlen, "is %.40s %d.%d.%d, not CPython (sys.implementation.name is '%.40s')",
                 lines[0], major, minor, micro, lines[0]);
        return -1;
    }
    if (major < RTM_MIN_MAJOR || (major == RTM_MIN_MAJOR && minor < RTM_MIN_MINOR)) {
        snprintf(err, errlen, "is CPython %d.%d.%d; gcbench needs CPython %d.%d or newer", major,
                 minor, micro, RTM_MIN_MAJOR, RTM_MIN_MINOR);
        return -1;
    }
    if (sscanf(lines[2], "%d,%d,%d", &t[0], &t[1], &t[2]) != 3)
        t[0] = t[1] = t[2] = 0;
    memcpy(rt->default_threshold, t, sizeof t);
    snprintf(rt->version, sizeof rt->version, "%s", lines[3]);
    snprintf(xyz, xyzlen, "%d.%d.%d", major, minor, micro);
    return 0;
}

/* ---- interpreters ---------------------------------------------------------------------------- */

/* Answers in any Python from 2.6 on: implementation, version, thresholds, sys.version. */
static const char python_probe[] =
    "import sys, gc\n"
    "name = getattr(getattr(sys, 'implementation', None), 'name', None)\n"
    "if name is None:\n"
    "    import platform\n"
    "    name = platform.python_implementation().lower()\n"
    "try:\n"
    "    t = tuple((list(gc.get_threshold()) + [0, 0, 0])[:3])\n"
    "except Exception:\n"
    "    t = (0, 0, 0)\n"
    "v = tuple(sys.version_info[:3])\n"
    "sys.stdout.write('%s\\n%d.%d.%d\\n%d,%d,%d\\n%s\\n' % ((name,) + v + t + "
    "(' '.join(sys.version.split()),)))\n";

#define PYTHON_PROBE_TIMEOUT_S 30

/* A command name without a slash, looked up on PATH as a shell would, into out; 0 or -1. */
static int on_path(const char *name, char *out, size_t len)
{
    const char *path = getenv("PATH");
    char copy[8192];
    snprintf(copy, sizeof copy, "%s", path != NULL ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
        struct stat st;
        if (snprintf(out, len, "%s/%s", *d ? d : ".", name) < (int)len && stat(out, &st) == 0 &&
            S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
    }
    return -1;
}

int rtm_probe_python(const char *given, plan_runtime *rt, char *xyz, size_t xyzlen, char *err,
                     size_t errlen)
{
    char found[PATH_MAX];
    const char *path = given;
    if (strchr(given, '/') == NULL) {
        if (on_path(given, found, sizeof found) != 0) {
            snprintf(err, errlen, "no such command on PATH");
            return -1;
        }
        path = found;
    }
    if (check_executable(path, err, errlen) != 0)
        return -1;
    char *argv[] = {(char *)path, "-E", "-s", "-c", (char *)python_probe, NULL};
    char out[2048], errtext[2048];
    int status = capture(argv, PYTHON_PROBE_TIMEOUT_S, out, sizeof out, errtext, sizeof errtext);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[512];
        probe_failure(status, PYTHON_PROBE_TIMEOUT_S, errtext, why, sizeof why);
        snprintf(err, errlen,
                 "did not answer as a Python interpreter would (asked for its "
                 "version, it %s)",
                 why);
        return -1;
    }
    char *lines[8];
    size_t n = split_lines(out, lines, 8);
    if (read_answer(lines, n, rt, xyz, xyzlen, err, errlen) != 0)
        return -1;
    snprintf(rt->path, sizeof rt->path, "%s", path);
    return 0;
}

/* ---- Node.js and Pyodide ------------------------------------------------------------------------
 */

int rtm_find_node(char *out, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("GCBENCH_NODE");
    if (env != NULL && *env != '\0') {
        snprintf(out, len, "%s", env);
        if (check_executable(out, err, errlen) == 0)
            return 0;
        char why[256];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "GCBENCH_NODE=%s %s", env, why);
        return -1;
    }
    if (on_path("node", out, len) == 0)
        return 0;
    snprintf(err, errlen,
             "Node.js (node) is not on PATH; install it (apt-get install nodejs) or "
             "set GCBENCH_NODE to it");
    return -1;
}

void rtm_node_version(const char *node, char *out, size_t len)
{
    char *argv[] = {(char *)node, "--version", NULL};
    char text[256], errtext[256];
    int status = capture(argv, 30, text, sizeof text, errtext, sizeof errtext);
    out[0] = '\0';
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        last_line(text, out, len);
}

/* Whether folder holds a Pyodide package's three files. */
static bool is_pyodide_package(const char *folder)
{
    static const char *const files[] = {"pyodide.js", "pyodide.asm.wasm", "python_stdlib.zip"};
    char path[PATH_MAX + 64];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, files[i]);
        if (access(path, R_OK) != 0)
            return false;
    }
    return true;
}

int rtm_pyodide_dir(const char *dir, char *out, size_t len)
{
    static const char *const inside[] = {"", "/package", "/node_modules/pyodide"};
    char candidate[PATH_MAX + 64];
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        snprintf(candidate, sizeof candidate, "%s%s", dir, inside[i]);
        char real[PATH_MAX];
        if (is_pyodide_package(candidate) && realpath(candidate, real) != NULL) {
            snprintf(out, len, "%s", real);
            return 0;
        }
    }
    return -1;
}

/* scandir's filter: a subfolder's name (not . or ..; what it is, rtm_pyodide_dir decides). */
static int not_dot(const struct dirent *e) { return e->d_name[0] != '.'; }

size_t rtm_pyodide_dirs(const char *dir, char (*out)[PATH_MAX], size_t max)
{
    if (max == 0)
        return 0;
    if (rtm_pyodide_dir(dir, out[0], PATH_MAX) == 0)
        return 1;
    struct dirent **names;
    int n = scandir(dir, &names, not_dot, versionsort);
    if (n < 0)
        return 0;
    size_t found = 0;
    for (int i = 0; i < n; i++) {
        char sub[PATH_MAX + 256];
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]->d_name);
        if (found < max && rtm_pyodide_dir(sub, out[found], PATH_MAX) == 0)
            found++;
        free(names[i]);
    }
    free(names);
    return found;
}

#define PYODIDE_PROBE_TIMEOUT_S 120

int rtm_probe_pyodide(const char *node, const char *host_mjs, const char *pkg, plan_runtime *rt,
                      char *xyz, size_t xyzlen, char *err, size_t errlen)
{
    char *argv[] = {(char *)node, (char *)host_mjs, "--probe", (char *)pkg, NULL};
    char out[2048], errtext[4096];
    int status = capture(argv, PYODIDE_PROBE_TIMEOUT_S, out, sizeof out, errtext, sizeof errtext);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[512];
        probe_failure(status, PYODIDE_PROBE_TIMEOUT_S, errtext, why, sizeof why);
        snprintf(err, errlen, "Node.js could not load it (%s %s --probe: %s)", node, host_mjs, why);
        return -1;
    }
    char *lines[8];
    size_t n = split_lines(out, lines, 8);
    if (read_answer(lines, n, rt, xyz, xyzlen, err, errlen) != 0)
        return -1;
    snprintf(rt->npm_version, sizeof rt->npm_version, "%s", n > 4 ? lines[4] : "");
    snprintf(rt->path, sizeof rt->path, "%s", pkg);
    return 0;
}
