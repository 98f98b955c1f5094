/* runtimes.h — the CPython runtimes bench finds out about before it plans: interpreters on
 * this machine (--python PATH) and Pyodide packages run under Node.js (--pyodide DIR). Each
 * is asked what it is (its implementation, version, default gc thresholds, sys.version) by
 * running it once; an answer bench cannot use comes back as the reason, for a usage error.
 * Nothing here writes a file. */
#ifndef GCB_RUNTIMES_H
#define GCB_RUNTIMES_H

#include <stddef.h>

#include "plan.h"

/* The oldest CPython worker.py runs in. */
#define RTM_MIN_MAJOR 3
#define RTM_MIN_MINOR 9

/* Asks the interpreter at path (a name without a slash is looked up on PATH) who it is
 * (`PATH -E -s -c …`, so that even a Python 2 can say its version). On success fills rt's
 * path (the one found), version and default_threshold, puts "X.Y.Z" in xyz and returns 0; else
 * returns -1 with why in err ("no such file", "is PyPy 7.3 …, not CPython", "is CPython 3.8.10;
 * …"), to follow "--python PATH: ". */
int rtm_probe_python(const char *path, plan_runtime *rt, char *xyz, size_t xyzlen, char *err,
                     size_t errlen);

/* Node.js: $GCBENCH_NODE when set, else `node` on PATH, into out. 0, or -1 with why in err. */
int rtm_find_node(char *out, size_t len, char *err, size_t errlen);
/* `node --version` ("v20.20.2") into out; "" when it does not answer. */
void rtm_node_version(const char *node, char *out, size_t len);

/* The unpacked Pyodide package DIR names: DIR itself, DIR/package (npm pack + tar) or
 * DIR/node_modules/pyodide (npm install), whichever holds pyodide.js, pyodide.asm.wasm and
 * python_stdlib.zip; its real path into out. 0, or -1. */
int rtm_pyodide_dir(const char *dir, char *out, size_t len);

/* The Pyodide packages DIR names: the one rtm_pyodide_dir finds there, or else one per
 * subfolder of DIR in which rtm_pyodide_dir finds one (a folder of packages, as
 * setup_pyodide.sh's cache ~/.cache/gcbench/pyodide holds VERSION/package), in the version
 * order of the subfolders' names (strverscmp). Their real paths into out[0..max); returns how
 * many (0: none). */
size_t rtm_pyodide_dirs(const char *dir, char (*out)[PATH_MAX], size_t max);

/* Loads the package at pkg (a folder rtm_pyodide_dir gave) in `node host_mjs --probe pkg`.
 * On success fills rt's path, version, npm_version and default_threshold, puts "X.Y.Z" in
 * xyz and returns 0; else -1 with why in err. */
int rtm_probe_pyodide(const char *node, const char *host_mjs, const char *pkg, plan_runtime *rt,
                      char *xyz, size_t xyzlen, char *err, size_t errlen);

/* How to get a Pyodide package, for messages: "npm pack pyodide@314.0.8 && tar xzf …". */
extern const char rtm_pyodide_hint[];

#endif /* GCB_RUNTIMES_H */
