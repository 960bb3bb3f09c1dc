/* rollback_exec.h: run one exec step's command: argv without a shell, in
 * its own process group, output (stdout and stderr) kept as its last lines,
 * a timeout and an abort hook that kill the whole group.  Internal to the
 * rollback runner. */
#ifndef CUTOVER_ROLLBACK_EXEC_H
#define CUTOVER_ROLLBACK_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "cutover/status.h"

struct rollback_exec_result {
	bool spawned; /* the command started */
	bool exited;  /* it exited by itself (exit_code valid) */
	int exit_code;
	int signal;      /* it was killed by this signal (0: none) */
	bool timed_out;  /* we killed it: the timeout passed */
	bool aborted;    /* we killed it: should_abort said so */
	char error[512]; /* why it did not start, for a person */
};

/* Called with the output's last lines (tail, '\n'-separated) and the
 * newest complete line, whenever a line completes. */
typedef void (*rollback_exec_output_fn)(void *ctx, const char *tail, const char *last_line);

/* Run argv (argv[0] looked up on PATH) with the environment envp (NULL:
 * ours), stdin from /dev/null.  timeout_s on
 * the wall clock.  should_abort is polled every 100 ms.  tail receives the
 * last `lines` lines at the end (always terminated).  Returns CUTOVER_OK
 * when the command ran (whatever its exit status: see res), CUTOVER_EEXEC
 * when it could not start (res->error says why), CUTOVER_EIO when the pipe
 * could not be made.  Any thread; blocks until the process is reaped. */
enum cutover_status rollback_exec_run(char *const argv[], char *const envp[], double timeout_s,
                                      int (*should_abort)(void *ctx), void *abort_ctx,
                                      rollback_exec_output_fn on_output, void *output_ctx,
                                      char *tail, size_t tail_len,
                                      struct rollback_exec_result *res) CUTOVER_MUST_CHECK;

#endif
