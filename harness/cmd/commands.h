/* commands.h — the bench commands. Each takes the arguments from the command's own name on
 * (argv[0] = "run", …) and returns the process exit status (util.h). */
#ifndef GCB_COMMANDS_H
#define GCB_COMMANDS_H

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_merge(int argc, char **argv); /* the merge itself: merge.h */
/* report_main and plot_main: report.h and plot.h */

#endif /* GCB_COMMANDS_H */
