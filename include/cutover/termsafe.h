/* termsafe.h: printing remote or operator-written text (flag values, error
 * messages, execution causes, runbook notes) on a terminal from the CLI.
 * Such text is data: an embedded escape sequence must not move the cursor
 * or retitle the reader's terminal.  (The console has ui/safe_text for the
 * same job on its screen.) */
#ifndef CUTOVER_TERMSAFE_H
#define CUTOVER_TERMSAFE_H

#include <stdio.h>

/* Write s to out with every C0 control (tab and newline too) and DEL
 * replaced by '?'.  s NULL writes nothing.  Any thread (one per FILE). */
void termsafe_put(FILE *out, const char *s);

/* Write s to out with C0 controls and DEL shown as \xNN and C1 controls
 * (U+0080..U+009F in UTF-8) as \uNNNN, so the reader sees which byte it was.
 * s NULL writes nothing.  Any thread (one per FILE). */
void termsafe_put_escaped(FILE *out, const char *s);

/* Replace, in place, every C0 control and DEL in s (may be NULL) by '?':
 * for text that is padded into a column with printf. */
void termsafe_scrub(char *s);

#endif
