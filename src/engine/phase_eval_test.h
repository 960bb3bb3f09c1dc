/* phase_eval_test.h: what tests and benchmarks may ask phase_eval.c about
 * its work, not part of the public API. */
#ifndef CUTOVER_PHASE_EVAL_TEST_H
#define CUTOVER_PHASE_EVAL_TEST_H

/* History events fed to any phase walk (phase_eval or phase_walk_feed,
 * one per event per phase) since the process started, by every thread:
 * a test compares it before and after a call to prove which events it
 * read; take differences, never absolute values. */
unsigned long long phase_eval_events_walked(void);

#endif
