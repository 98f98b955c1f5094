/* machine.c — this machine as recorded in machine.csv, and worker pinning, through hwloc
 * (see machine.h). */
#include "machine.h"

#include <gnu/libc-version.h>
#include <hwloc.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "csvio.h"
#include "schema.h"
#include "util.h"
#include "version.h"

struct machine {
    hwloc_topology_t topo;
};

machine *machine_open(void)
{
    machine *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    if (hwloc_topology_init(&m->topo) != 0 || hwloc_topology_load(m->topo) != 0) {
        fprintf(stderr, "bench: hwloc cannot read this machine's topology\n");
        free(m);
        return NULL;
    }
    return m;
}

void machine_close(machine *m)
{
    if (m == NULL)
        return;
    hwloc_topology_destroy(m->topo);
    free(m);
}

uint64_t machine_memory_bytes(const machine *m)
{
    /* The kernel's MemTotal. hwloc's root total_memory sums the NUMA nodes' memory, which
     * on some virtual machines covers only part of it. */
    (void)m;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

/* ---- pinning ------------------------------------------------------------------------------ */

static hwloc_obj_t allowed_pu(const machine *m, int os_index)
{
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(m->topo, (unsigned)os_index);
    if (pu == NULL)
        return NULL;
    hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(m->topo);
    return hwloc_bitmap_isset(allowed, (unsigned)os_index) ? pu : NULL;
}

bool machine_has_cpu(const machine *m, int os_index)
{
    return os_index >= 0 && allowed_pu(m, os_index) != NULL;
}

int machine_bind_self(const machine *m, int os_index)
{
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set == NULL)
        return -1;
    hwloc_bitmap_only(set, (unsigned)os_index);
    int rc = hwloc_set_cpubind(m->topo, set, HWLOC_CPUBIND_PROCESS);
    hwloc_bitmap_free(set);
    return rc;
}

int machine_bind_away(const machine *m, const int *cpus, size_t n)
{
    hwloc_bitmap_t set = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(m->topo));
    if (set == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        hwloc_bitmap_clr(set, (unsigned)cpus[i]);
    int rc = hwloc_bitmap_iszero(set) ? 0 : hwloc_set_cpubind(m->topo, set, HWLOC_CPUBIND_PROCESS);
    hwloc_bitmap_free(set);
    return rc;
}

/* Whether core holds at least one allowed PU; its first allowed PU's OS index, or -1. */
static int core_first_pu(const machine *m, hwloc_obj_t core)
{
    hwloc_bitmap_t set = hwloc_bitmap_dup(core->cpuset);
    if (set == NULL)
        return -1;
    hwloc_bitmap_and(set, set, hwloc_topology_get_allowed_cpuset(m->topo));
    int pu = hwloc_bitmap_first(set);
    hwloc_bitmap_free(set);
    return pu;
}

size_t machine_cores(const machine *m, int *cpus, size_t max)
{
    /* From the last core down, as --pin auto takes the last PU: the first cores are where
     * the system's own work tends to run. */
    size_t n = 0;
    int ncores = hwloc_get_nbobjs_by_type(m->topo, HWLOC_OBJ_CORE);
    for (int i = ncores - 1; i >= 0 && n < max; i--) {
        hwloc_obj_t core = hwloc_get_obj_by_type(m->topo, HWLOC_OBJ_CORE, (unsigned)i);
        int pu = core != NULL ? core_first_pu(m, core) : -1;
        if (pu >= 0)
            cpus[n++] = pu;
    }
    if (ncores <= 0 && max > 0) /* no core objects (some virtual machines): PUs instead */
        for (int pu = hwloc_bitmap_last(hwloc_topology_get_allowed_cpuset(m->topo));
             pu >= 0 && n < max; pu--)
            if (machine_has_cpu(m, pu))
                cpus[n++] = pu;
    return n;
}

/* Whether this process now holds PU pu's claim: an exclusive flock on /tmp/gcbench-pu<pu>.lock,
 * kept (close-on-exec) until bench exits, when the kernel lets it go. */
static bool claim(int pu)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/gcbench-pu%d.lock", pu);
    /* read-only: a lock file another user made (mode 0644 after their umask) still opens */
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0)
        return false;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return false;
    }
    return true; /* fd stays open: the claim lasts as long as bench */
}

size_t machine_claim_cores(const machine *m, int *cpus, size_t max)
{
    int all[1024];
    size_t n = machine_cores(m, all, sizeof all / sizeof all[0]);
    bool taken[1024] = {false};
    size_t got = 0;
    for (size_t i = 0; i < n && got < max; i++) /* the cores no other bench holds */
        if (claim(all[i])) {
            taken[i] = true;
            cpus[got++] = all[i];
        }
    for (size_t i = 0; i < n && got < max; i++) /* then the others, least recently taken last */
        if (!taken[i])
            cpus[got++] = all[i];
    return got;
}

/* ---- what is recorded --------------------------------------------------------------------- */

/* One key and its value, as written to machine.csv. */
typedef struct kv {
    const char *key;
    char value[512];
} kv;

#define MACHINE_KEYS 32

typedef struct kv_list {
    kv items[MACHINE_KEYS];
    size_t len;
} kv_list;

static void put(kv_list *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(kv_list *l, const char *key, const char *fmt, ...)
{
    if (l->len == MACHINE_KEYS)
        return;
    kv *e = &l->items[l->len++];
    e->key = key;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->value, sizeof e->value, fmt, ap);
    va_end(ap);
}

/* The first line of a small file (trailing newline removed), or "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return;
    if (fgets(buf, (int)len, fp) == NULL)
        buf[0] = '\0';
    fclose(fp);
    buf[strcspn(buf, "\n")] = '\0';
}

void machine_id(char *buf, size_t len)
{
    char host[256] = "", id[256];
    gethostname(host, sizeof host - 1);
    host[strcspn(host, ".")] = '\0'; /* the short name */
    read_line("/etc/machine-id", id, sizeof id);
    if (strlen(id) < 8)
        read_line("/proc/sys/kernel/random/boot_id", id, sizeof id);
    size_t k = 0;
    char hex[9] = "";
    for (size_t i = 0; id[i] != '\0' && k < 8; i++)
        if ((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))
            hex[k++] = id[i];
    hex[k] = '\0';
    snprintf(buf, len, "%s%s%s", host[0] ? host : "host", k ? "-" : "", hex);
}

static int count_type(const machine *m, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(m->topo, type);
    return n < 0 ? 0 : n;
}

static uint64_t cache_bytes(const machine *m, hwloc_obj_type_t type)
{
    hwloc_obj_t obj = hwloc_get_obj_by_type(m->topo, type, 0);
    return obj != NULL && obj->attr != NULL ? obj->attr->cache.size : 0;
}

static const char *cpu_model(const machine *m)
{
    hwloc_obj_t pkg = hwloc_get_obj_by_type(m->topo, HWLOC_OBJ_PACKAGE, 0);
    const char *model = pkg != NULL ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    return model != NULL ? model : "";
}

static void hardware(const machine *m, kv_list *l)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    put(l, "host", "%s", host);
    char id[320];
    machine_id(id, sizeof id);
    put(l, "machine_id", "%s", id);
    put(l, "cpu_model", "%s", cpu_model(m));
    put(l, "packages", "%d", count_type(m, HWLOC_OBJ_PACKAGE));
    put(l, "cores", "%d", count_type(m, HWLOC_OBJ_CORE));
    put(l, "pus", "%d", count_type(m, HWLOC_OBJ_PU));
    put(l, "l1d_bytes", "%llu", (unsigned long long)cache_bytes(m, HWLOC_OBJ_L1CACHE));
    put(l, "l2_bytes", "%llu", (unsigned long long)cache_bytes(m, HWLOC_OBJ_L2CACHE));
    put(l, "l3_bytes", "%llu", (unsigned long long)cache_bytes(m, HWLOC_OBJ_L3CACHE));
    put(l, "numa_nodes", "%d", count_type(m, HWLOC_OBJ_NUMANODE));
    put(l, "memory_bytes", "%llu", (unsigned long long)machine_memory_bytes(m));
    put(l, "numa_memory_bytes", "%llu",
        (unsigned long long)hwloc_get_root_obj(m->topo)->total_memory);
    put(l, "page_size_bytes", "%ld", sysconf(_SC_PAGESIZE));
}

static void system_settings(kv_list *l)
{
    char buf[512];
    read_line("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
    put(l, "thp_mode", "%s", buf);
    read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof buf);
    put(l, "aslr", "%s", buf);
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
    put(l, "governor", "%s", buf);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3)
        put(l, "load_average", "%.2f %.2f %.2f", load[0], load[1], load[2]);
    else
        put(l, "load_average", "%s", "");
    struct utsname u;
    if (uname(&u) == 0)
        put(l, "kernel", "%s %s %s", u.sysname, u.release, u.machine);
    put(l, "libc", "glibc %s", gnu_get_libc_version());
}

static void software(kv_list *l, int argc, char **argv)
{
    put(l, "compiler", "gcc %s", __VERSION__);
    put(l, "bench_version", "%s", GCB_VERSION);
    put(l, "bench_commit", "%s", GCB_COMMIT);
    /* the embedded python runtime's interpreter, as the worker that embeds it reports it
     * (other interpreters, and Pyodide packages, are the run's: machine_extra keys) */
    char worker[PATH_MAX], version[256] = "";
    if (gcb_find_worker("bench-worker-python", worker, sizeof worker) == 0) {
        char *argv[] = {worker, "--version", NULL};
        gcb_capture_line(argv, version, sizeof version);
    }
    put(l, "python_version", "%s", version);
    char cmd[512] = "bench";
    size_t used = strlen(cmd);
    for (int i = 0; i < argc && used < sizeof cmd; i++)
        used += (size_t)snprintf(cmd + used, sizeof cmd - used, " %s", argv[i]);
    put(l, "command_line", "%s", cmd);
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
    put(l, "date", "%s", date);
}

static void collect(const machine *m, kv_list *l, int argc, char **argv)
{
    l->len = 0;
    hardware(m, l);
    system_settings(l);
    software(l, argc, argv);
}

int machine_write_csv(const machine *m, const char *path, int argc, char **argv,
                      const machine_extra *extra, size_t nextra)
{
    kv_list l;
    collect(m, &l, argc, argv);
    static const char *const header[] = {GCB_MACHINE_COLUMNS};
    char id[320];
    machine_id(id, sizeof id);
    csvw w;
    if (csvw_open(&w, path, header, 3) != 0)
        return -1;
    for (size_t i = 0; i < l.len; i++) {
        csvw_str(&w, l.items[i].key);
        csvw_str(&w, l.items[i].value);
        csvw_str(&w, id);
        csvw_end_row(&w);
    }
    for (size_t i = 0; i < nextra; i++) {
        csvw_str(&w, extra[i].key);
        csvw_str(&w, extra[i].value);
        csvw_str(&w, id);
        csvw_end_row(&w);
    }
    return csvw_close(&w);
}

void machine_print(const machine *m, FILE *out, int argc, char **argv)
{
    kv_list l;
    collect(m, &l, argc, argv);
    for (size_t i = 0; i < l.len; i++)
        fprintf(out, "%-16s %s\n", l.items[i].key, l.items[i].value);
}
