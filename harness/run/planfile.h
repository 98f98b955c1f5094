/* planfile.h — a plan written for other engines to run (`bench plan`): DIR/jobs.txt, one shell
 * command per shard (`bench run … --shard K/N --out DIR/shards/K`), and DIR/slurm.sbatch, a
 * SLURM array job whose task K runs line K. Nothing here schedules, retries or moves files:
 * GNU parallel or SLURM do; `bench merge` joins the shards. */
#ifndef GCB_PLANFILE_H
#define GCB_PLANFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct planfile {
    const char *dir;       /* the plan's folder (made if missing) */
    const char *bench;     /* the bench executable, an absolute path */
    const char *cwd;       /* where each line runs (relative paths in args resolve there) */
    char *const *args;     /* the run options, as given (no --out, --shard, --jobs) */
    size_t nargs;
    size_t shards;         /* N */
    const char *plan_id;   /* plan_id() of the whole plan */
    size_t runs;           /* runs in the whole plan */
} planfile;

/* Writes DIR/jobs.txt and DIR/slurm.sbatch (each to a temporary file renamed into place) and
 * makes DIR/shards/ and DIR/logs/. Refuses (-1, err) a DIR whose shards/ holds anything: an
 * earlier plan's results. 0, or -1 with a message in err. */
int planfile_write(const planfile *p, char *err, size_t errlen);

/* Appends s to buf (of len, used *at) as one shell word: single-quoted where it needs
 * quoting ('\'' for a quote). false when it does not fit. */
bool planfile_quote(char *buf, size_t len, size_t *at, const char *s);

#endif /* GCB_PLANFILE_H */
