/* ring.h: a small fixed-capacity ring of doubles: a gauge's recent
 * datapoints, newest last, NaN for a period with no data.  A plain value with
 * no allocation, so the engine can copy it into a snapshot under its lock and
 * the UI can draw from the copy. */
#ifndef CUTOVER_RING_H
#define CUTOVER_RING_H

#define RING_CAP 120 /* two hours of one-minute datapoints */

struct ring {
	double v[RING_CAP];
	unsigned head; /* index of the oldest value */
	unsigned len;  /* how many values are held, <= RING_CAP */
};

/* Empty the ring. */
void ring_clear(struct ring *r);

/* Append v (NaN for "no data"); when full the oldest value is dropped. */
void ring_push(struct ring *r, double v);

/* How many values are held. */
unsigned ring_len(const struct ring *r);

/* The i-th value, 0 = oldest; NaN when i >= ring_len. */
double ring_get(const struct ring *r, unsigned i);

/* The newest value; NaN when empty. */
double ring_last(const struct ring *r);

#endif
