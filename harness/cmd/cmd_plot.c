/* cmd_plot.c — `bench plot DIR`: its options and help; the drawing itself is plot.c's. */
#include "commands.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "dataset.h"
#include "plot.h"
#include "util.h"

static const char plot_usage[] =
    "Usage: bench plot DIR [--format png|svg]\n"
    "\n"
    "Draws the results folder DIR with gnuplot into DIR/plots, each picture beside the\n"
    "numbers it drew (a .dat file):\n"
    "\n"
    "  NAME.png         per scenario and setting (runtime, policy, allocator, threshold):\n"
    "                   RSS in MiB against iteration, one line per GC mode (\"With GC\",\n"
    "                   \"Without GC\", \"GC off\"), the median over the repeats that\n"
    "                   succeeded with their min-max as a band, a dashed line for each run\n"
    "                   that stopped early, and a thin line of the RSS sampled every\n"
    "                   --interval-ms while the first repeat ran, placed between the\n"
    "                   iterations it fell between. NAME is the scenario, or\n"
    "                   SCENARIO-RUNTIME-POLICY-ALLOCATOR-THRESHOLD when DIR has several\n"
    "                   settings of it.\n"
    "                   A setting whose RSS is not comparable (Pyodide: the Node.js\n"
    "                   process's, and WebAssembly memory only grows) is drawn with the\n"
    "                   live instances of the scenario's classes instead.\n"
    "  SCENARIO-instances.png, SCENARIO-rss-compared.png\n"
    "                   when a scenario ran in several runtimes or policies: a panel per\n"
    "                   GC mode, a line per setting -- the live instances of the class\n"
    "                   `bench report` shows, and the RSS of the settings whose RSS is\n"
    "                   comparable only. The colour is the CPython collector run or\n"
    "                   modelled (py314inc vermillion), the dash the kind of runtime\n"
    "                   (native solid, CPython dashed, Pyodide dash-dot).\n"
    "  overview.png     the folder on one page (when there are two panels or more): per\n"
    "                   scenario run in several runtimes or policies, those two side by\n"
    "                   side without forced collection; else every setting's own panel.\n"
    "  SCENARIO-RUNTIME-thresholds.png\n"
    "                   when a scenario ran at several GC thresholds: RSS after the last\n"
    "                   iteration, peak RSS, collections and total GC pause per run against\n"
    "                   the first threshold (log scale), one line per GC mode.\n"
    "  SCENARIO-native-vs-cpython.png\n"
    "                   when both runtimes ran a scenario in the same setting: RSS against\n"
    "                   iteration, native solid, CPython dashed, one colour per GC mode\n"
    "                   (-POLICY-ALLOCATOR-THRESHOLD is added when there are several).\n"
    "\n"
    "Needs gnuplot (Debian: gnuplot-nox); without it, says so and exits 0. The scripts are\n"
    "read from $GCBENCH_PLOTS_DIR, else the installed share/gcbench/plots, else the source\n"
    "tree's plots/ (plots/README.md says what each draws and takes).\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   png (the default) or svg\n"
    "  -h, --help        show this help and exit\n"
    "\n"
    "Exit status: 0 plotted (or gnuplot missing), 1 DIR unreadable or malformed or gnuplot\n"
    "failed, 2 usage error.\n";

/* Parses argv (argv[0] "plot") into *dir and *format. Returns 0, 1 for --help, or -1 after
 * a usage error. */
static int parse_plot_args(int argc, char **argv, const char **dir, const char **format)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int saved_opterr = opterr, c, rc = 0;
    bool help = false;
    opterr = 0;
    optind = 0; /* a fresh scan of this argv (glibc) */
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'f' && plot_format_known(optarg)) {
            *format = optarg;
        } else if (c == 'f') {
            gcb_usage_error("plot", "--format '%s' is not available; use png or svg", optarg);
            rc = -1;
        } else if (c == 'h') {
            help = true;
        } else {
            gcb_usage_getopt("plot", c, argv[optind - 1]);
            rc = -1;
        }
    }
    opterr = saved_opterr;
    if (rc != 0 || help)
        return help && rc == 0 ? 1 : rc;
    if (optind >= argc) {
        gcb_usage_error("plot", "which results folder? e.g. bench plot results/latest");
        return -1;
    }
    if (optind + 1 < argc) {
        gcb_usage_error("plot", "one results folder at a time; '%s' is extra", argv[optind + 1]);
        return -1;
    }
    *dir = argv[optind];
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    const char *dir = NULL, *format = "png";
    int parsed = parse_plot_args(argc, argv, &dir, &format);
    if (parsed < 0)
        return GCB_EXIT_USAGE;
    if (parsed == 1) {
        fputs(plot_usage, stdout);
        return GCB_EXIT_OK;
    }
    ds d;
    char err[4096];
    if (ds_load(&d, dir, err, sizeof err) != 0) {
        gcb_error("%s", err);
        return GCB_EXIT_FAILED;
    }
    ds_note_incomplete(&d);
    int rc = plot_results(&d, dir, format, false);
    ds_free(&d);
    return rc;
}
