/* ring.c: fixed-capacity ring of doubles (see ring.h). */
#include <math.h>

#include "cutover/ring.h"

void ring_clear(struct ring *r)
{
	r->head = 0;
	r->len = 0;
}

void ring_push(struct ring *r, double v)
{
	if (r->len < RING_CAP) {
		r->v[(r->head + r->len++) % RING_CAP] = v;
		return;
	}
	r->v[r->head] = v;
	r->head = (r->head + 1) % RING_CAP;
}

unsigned ring_len(const struct ring *r)
{
	return r->len;
}

double ring_get(const struct ring *r, unsigned i)
{
	if (i >= r->len)
		return NAN;
	return r->v[(r->head + i) % RING_CAP];
}

double ring_last(const struct ring *r)
{
	return r->len ? ring_get(r, r->len - 1) : NAN;
}
