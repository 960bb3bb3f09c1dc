/* credential_process.h: run a profile's `credential_process` command and read
 * the credentials it prints.  Internal to src/aws/ (the provider calls it).
 * Any thread; each call is independent. */
#ifndef CUTOVER_CREDENTIAL_PROCESS_H
#define CUTOVER_CREDENTIAL_PROCESS_H

#include "cutover/aws_types.h"

/* Largest stdout accepted; more is an error (real output is ~2 KiB). */
#define CREDENTIAL_PROCESS_MAX_OUTPUT (64 * 1024)

/* Split cmd the way botocore does (POSIX shell words: blanks separate,
 * "double" and 'single' quotes group, backslash escapes; no ~, $VAR or glob
 * expansion).  *argv_out is a NULL-terminated heap array the caller frees
 * with credential_process_argv_free().  CUTOVER_EPARSE for an unterminated
 * quote or an empty command. */
enum cutover_status credential_process_split(const char *cmd, char ***argv_out,
					     struct cutover_err *err) CUTOVER_MUST_CHECK;
void credential_process_argv_free(char **argv);

/* Run cmd with no shell (stdin /dev/null, stdout and stderr captured, a clean
 * signal mask), wait at most timeout_ms, require exit status 0 and parse the
 * Version 1 JSON it prints into *out (cleared on failure).  what names the
 * setting for messages ("credential_process of profile dev").  Errors:
 * CUTOVER_EEXEC (cannot start, non-zero exit, killed), CUTOVER_ETIMEOUT,
 * CUTOVER_EPARSE / CUTOVER_EVALIDATE (bad output).  Messages name the program
 * and may quote the last line of its stderr (which, by the credential_process
 * contract, holds no secret), never its stdout. */
enum cutover_status credential_process_run(const char *cmd, const char *what, int timeout_ms,
					   struct aws_credentials *out,
					   struct cutover_err *err) CUTOVER_MUST_CHECK;

#endif
