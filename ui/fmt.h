/* fmt.h: the small texts of the header and status line, pure and tested:
 *
 *   fmt_duration   45s  12m  1h05m  2d03h  –
 *   fmt_elapsed    3m/5m  –/20m  12m  (a phase's time against its estimate)
 *   fmt_age        polled 2s ago  polled just now  never polled
 *   fmt_stale      stale 2m · ThrottlingException
 *   fmt_value      6.1%  38 ms  1.4 s  12.5k  no data
 *   fmt_clock      14:03:27
 *   fmt_expiry     creds 42m  creds 3h12m  creds expired
 *   fmt_lr         a line of exactly width columns: left text, fill, right text
 *
 * Every function writes a NUL-terminated string into buf (cut to cap) and
 * returns buf.  Remote strings passed in (an error code, an identity) go
 * through safe_text.  flags is SAFE_TEXT_ASCII for terminals that are not
 * UTF-8: '-' for '–' and '·'.  Any thread. */
#ifndef CUTOVER_FMT_H
#define CUTOVER_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* seconds rounded down to the largest sensible units; NaN or negative: "–". */
char *fmt_duration(char *buf, size_t cap, double seconds, unsigned flags);

/* "elapsed/estimate" in durations; NaN elapsed (not started): "–/20m";
 * NaN estimate: the elapsed time alone; both NaN: "–". */
char *fmt_elapsed(char *buf, size_t cap, double elapsed_s, double estimate_s, unsigned flags);

/* How long ago a source last answered; NaN: "never polled". */
char *fmt_age(char *buf, size_t cap, double age_s, unsigned flags);

/* A source whose data is old: "stale 2m · ThrottlingException"; reason is
 * remote (sanitized, cut to 40 columns) and may be NULL or "";
 * NaN age: "no data · reason". */
char *fmt_stale(char *buf, size_t cap, double age_s, const char *reason, unsigned flags);

/* A gauge's value with its unit: "%" sticks to the number, other units get
 * a space.  About three significant digits; k and M above a thousand;
 * NaN: "no data"; infinities: "inf" / "-inf". */
char *fmt_value(char *buf, size_t cap, double v, const char *unit);

/* HH:MM:SS of t in UTC or local time. */
char *fmt_clock(char *buf, size_t cap, time_t t, bool utc);

/* Time left on temporary credentials: "creds 42m"; <= 0: "creds expired";
 * NaN (long-term keys, nothing expires): "". */
char *fmt_expiry(char *buf, size_t cap, double seconds_left, unsigned flags);

/* Exactly width columns: left, then fill (a one-column glyph such as " "
 * or "─") up to right.  right keeps its place first; left is cut with an
 * ellipsis to leave one fill column between them; with no room, right is
 * cut too.  Both are sanitized.  *cols (may be NULL) gets the columns
 * written, which is width unless cap is too short. */
char *fmt_lr(char *buf, size_t cap, int width, const char *left, const char *right,
	     const char *fill, unsigned flags, int *cols);

#endif
