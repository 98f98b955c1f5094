/* machine.h — this machine as gcbench records it (hwloc topology, kernel, memory, versions),
 * and CPU pinning of the worker processes. machine.csv and `bench info` come from here. */
#ifndef GCB_MACHINE_H
#define GCB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct machine machine;

/* Loads the topology. Returns NULL (with a message on stderr) if hwloc cannot. */
machine *machine_open(void);
void machine_close(machine *m);

/* Total physical memory in bytes. */
uint64_t machine_memory_bytes(const machine *m);

/* Whether a PU with that OS index is present and allowed. */
bool machine_has_cpu(const machine *m, int os_index);
/* Binds the calling process (a forked worker before exec) to PU os_index. 0 or -1. */
int machine_bind_self(const machine *m, int os_index);
/* Binds the calling process (the parent) to every allowed PU except cpus[0..n), when there
 * are others, so that its tick sampling does not share a worker's core. 0 or -1. */
int machine_bind_away(const machine *m, const int *cpus, size_t n);
/* One allowed PU per core (the core's first), from the last core down, at most max of them,
 * into cpus: where --jobs puts its workers, never two on one core. Returns how many. */
size_t machine_cores(const machine *m, int *cpus, size_t max);
/* --pin auto: up to max PUs, one per core (machine_cores' order), the cores no other bench
 * process on this machine has claimed first (an flock on /tmp/gcbench-pu<N>.lock each, held
 * until bench exits), so that benches started side by side (GNU parallel, SLURM tasks on one
 * node) do not pin their workers to one core while others are free. Returns how many. */
size_t machine_claim_cores(const machine *m, int *cpus, size_t max);
/* This machine's id in machine.csv and runs.csv (machine_id): its short host name and the
 * first 8 hex digits of /etc/machine-id (else of this boot's id), "node7-3f2a9c1b": what tells
 * the machines of a merged sweep apart. */
void machine_id(char *buf, size_t len);

/* A key and value a command adds to machine.csv (the interpreters it ran, …). */
typedef struct machine_extra {
    const char *key;
    const char *value;
} machine_extra;

/* Writes machine.csv (key,value,machine_id: this machine's id on every row) to path; argv is the command line to record, from the
 * command's name on ("run", "--scenario", …); extra[0..nextra) follow this machine's keys.
 * 0 or -1. */
int machine_write_csv(const machine *m, const char *path, int argc, char **argv,
                      const machine_extra *extra, size_t nextra);
/* Prints the same keys and values as aligned text (`bench info`). */
void machine_print(const machine *m, FILE *out, int argc, char **argv);

#endif /* GCB_MACHINE_H */
