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
/* The PU a worker is pinned to under --pin auto: the last allowed PU. */
int machine_auto_cpu(const machine *m);
/* Binds the calling process (a forked worker before exec) to PU os_index. 0 or -1. */
int machine_bind_self(const machine *m, int os_index);
/* Binds the calling process (the parent) to every allowed PU except os_index, when there
 * are others, so that its tick sampling does not share the worker's core. 0 or -1. */
int machine_bind_away(const machine *m, int os_index);

/* A key and value a command adds to machine.csv (the interpreters it ran, …). */
typedef struct machine_extra {
    const char *key;
    const char *value;
} machine_extra;

/* Writes machine.csv (key,value) to path; argv is the command line to record, from the
 * command's name on ("run", "--scenario", …); extra[0..nextra) follow this machine's keys.
 * 0 or -1. */
int machine_write_csv(const machine *m, const char *path, int argc, char **argv,
                      const machine_extra *extra, size_t nextra);
/* Prints the same keys and values as aligned text (`bench info`). */
void machine_print(const machine *m, FILE *out, int argc, char **argv);

#endif /* GCB_MACHINE_H */
