/* commands.h — the bench commands. Each takes the arguments from the command's own name on
 * (argv[0] = "run", …) and returns the process exit status (util.h). */
#ifndef GCB_COMMANDS_H
#define GCB_COMMANDS_H

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_merge(int argc, char **argv);   /* the merge itself: merge.h */
int cmd_report(int argc, char **argv);  /* the report itself: report.h */
int cmd_plot(int argc, char **argv);    /* the drawing itself: plot.h */
int cmd_compare(int argc, char **argv); /* the comparison itself: compare.h */

#endif /* GCB_COMMANDS_H */
