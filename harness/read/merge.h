/* merge.h — `bench merge DIR... --out OUT`: the results folders of one plan's shards (`bench run
 * --shard K/N`, on one machine or many) made one results folder, which report, plot and compare
 * read like any other.
 *
 * What holds of a merge that succeeds: OUT holds every run of the plan exactly once, in plan
 * order, run_id r%04d of its plan_index, each with the machine_id it ran on; samples.csv each
 * run's rows in its shard's order; machine.csv (key,value,machine_id) each machine's rows once,
 * then the folder's own keys (MERGE_FOLDER_KEYS) with an empty machine_id; summary.csv made by
 * summary_write from those runs. Nothing in OUT depends on the time or the order of the folders
 * given, so the same folders merged again give the same bytes, and OUT merged alone gives OUT.
 *
 * What holds of one that fails: nothing was written (OUT as it was, no temporary folder left).
 * The folders are checked whole before anything is written; OUT is written in a temporary folder
 * beside it and renamed into place at the end.
 */
#ifndef GCB_MERGE_H
#define GCB_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* machine.csv's keys that describe a folder rather than the machine it ran on: a merge drops
 * them from the machines' rows and writes its own, with an empty machine_id. */
#define MERGE_FOLDER_KEYS                                                                          \
    "plan_id", "plan_runs", "shard", "merged_from", "status", "runs_planned", "runs_done"

/* Whether key is one of MERGE_FOLDER_KEYS. */
bool merge_is_folder_key(const char *key);

/* Merges dirs[0..ndirs) into out. Each dir is a results folder, or a folder holding a `latest`
 * link to one (bench run's --out). Messages go to stderr as "bench: …" naming the folders;
 * unless quiet, one line on stdout says what was merged. Returns the exit status: GCB_EXIT_OK;
 * GCB_EXIT_USAGE when --out is refused or the folders are not each shard of one plan once (a
 * folder named twice, other plans, a run in two folders, runs in none); GCB_EXIT_FAILED when a
 * folder cannot be merged (unreadable, damaged, not complete, made before sweeps) or OUT cannot
 * be written. */
int merge_folders(const char *const *dirs, size_t ndirs, const char *out, bool quiet);

#endif /* GCB_MERGE_H */
