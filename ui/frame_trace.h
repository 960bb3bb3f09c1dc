/* frame_trace.h: what each frame of the console cost, for the benchmarks.
 *
 * Off unless CUTOVER_FRAME_TRACE names a file.  Then the console records,
 * in memory, every wake-up of its loop and every frame it draws; the file is
 * written once, when the console ends, so tracing never puts the disk on
 * the UI thread while the console runs.  One line per frame:
 *
 *   T_MS DRAW_MS CAUSES KEY_MS
 *
 * T_MS: the frame's start, milliseconds since the console began; DRAW_MS:
 * from the start of the redraw to doupdate() returning (the frame time);
 * CAUSES: what woke the loop since the last frame (k key, e engine, a action
 * result, t clock tick, r resize), "-" for none; KEY_MS: from the moment
 * poll() returned with the first key of this frame readable to doupdate()
 * returning (the keystroke-to-screen latency inside the process), "-" when
 * no key led to this frame.  tests/bench/ reads it. */
#ifndef CUTOVER_UI_FRAME_TRACE_H
#define CUTOVER_UI_FRAME_TRACE_H

#include <stdbool.h>

enum frame_cause {
	FRAME_KEY = 1u << 0,
	FRAME_ENGINE = 1u << 1,
	FRAME_ACTION = 1u << 2,
	FRAME_TICK = 1u << 3,
	FRAME_RESIZE = 1u << 4,
};

/* Starts tracing when path is set and not empty; false (tracing off) when
 * the memory for it cannot be had. */
bool frame_trace_start(const char *path);
bool frame_trace_on(void);
/* The loop woke for these causes at monotonic time now (seconds). */
void frame_trace_wake(unsigned causes, double now);
/* A frame was drawn from start to end (monotonic seconds). */
void frame_trace_frame(double start, double end);
/* Writes the file and frees the records; the console calls it once at the
 * end.  Returns false (with errno) when the file could not be written. */
bool frame_trace_finish(void);

#endif
