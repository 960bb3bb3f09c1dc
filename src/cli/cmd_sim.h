/* cmd_sim.h: what `cutover sim` and `cutover demo` share: running a sim
 * server in the foreground until SIGINT/SIGTERM, and telling a person how to
 * point tools at it. */
#ifndef CUTOVER_CMD_SIM_H
#define CUTOVER_CMD_SIM_H

#include <signal.h>
#include <stdio.h>

#include "sim/sim_server.h"

/* Block SIGINT and SIGTERM (and ignore SIGPIPE) in the calling thread before
 * the server starts, so its threads inherit the mask and the signals are
 * left for sim_cli_wait(). */
void sim_cli_block_signals(sigset_t *set);

/* Wait for SIGINT or SIGTERM; returns the signal number. */
int sim_cli_wait(const sigset_t *set);

/* Print the endpoint and the `export` lines for AWS tools to out. */
void sim_cli_print_exports(FILE *out, const struct sim_server *s);

/* Point this process's AWS environment at the server (AWS_ENDPOINT_URL,
 * keys, token, region); for child processes and in-process clients. */
void sim_cli_setenv(const struct sim_server *s);

#endif
