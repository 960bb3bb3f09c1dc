/* frame_trace.c: see frame_trace.h.  Records go to a growing array in
 * memory (32 bytes a frame: an hour of a busy console is a few MB, and
 * nobody traces a production console); the file is written at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_trace.h"

struct frame_rec {
	double start, end, key; /* key: first key wake of the frame, or < 0 */
	unsigned causes;
};

static struct {
	char *path;
	struct frame_rec *rec;
	size_t n, cap;
	double t0;       /* the first wake (the console's start) */
	double key;      /* first key wake since the last frame, or < 0 */
	unsigned causes; /* causes since the last frame */
	bool on;
} ft = {.key = -1};

bool frame_trace_start(const char *path)
{
	size_t len;

	if (!path || !path[0])
		return false;
	len = strlen(path);
	ft.path = malloc(len + 1);
	ft.cap = 4096;
	ft.rec = malloc(ft.cap * sizeof(*ft.rec));
	if (!ft.path || !ft.rec) {
		free(ft.path);
		free(ft.rec);
		ft.path = NULL;
		ft.rec = NULL;
		return false;
	}
	memcpy(ft.path, path, len + 1);
	ft.n = 0;
	ft.t0 = -1;
	ft.key = -1;
	ft.causes = 0;
	ft.on = true;
	return true;
}

bool frame_trace_on(void) { return ft.on; }

void frame_trace_wake(unsigned causes, double now)
{
	if (!ft.on)
		return;
	if (ft.t0 < 0)
		ft.t0 = now;
	if ((causes & FRAME_KEY) && ft.key < 0)
		ft.key = now;
	ft.causes |= causes;
}

void frame_trace_frame(double start, double end)
{
	if (!ft.on)
		return;
	if (ft.t0 < 0)
		ft.t0 = start;
	if (ft.n == ft.cap) {
		struct frame_rec *r = realloc(ft.rec, 2 * ft.cap * sizeof(*r));

		if (!r)
			return; /* the trace stops growing; the console goes on */
		ft.rec = r;
		ft.cap *= 2;
	}
	ft.rec[ft.n++] = (struct frame_rec){start, end, ft.key, ft.causes};
	ft.key = -1;
	ft.causes = 0;
}

bool frame_trace_finish(void)
{
	static const char names[] = "keatr";
	FILE *f;
	bool ok;

	if (!ft.on)
		return true;
	ft.on = false;
	f = fopen(ft.path, "w");
	ok = f != NULL;
	for (size_t i = 0; ok && i < ft.n; i++) {
		const struct frame_rec *r = &ft.rec[i];
		char cause[8];
		int k = 0;

		for (int b = 0; b < 5; b++)
			if (r->causes & (1u << b))
				cause[k++] = names[b];
		if (k == 0)
			cause[k++] = '-';
		cause[k] = '\0';
		if (r->key >= 0)
			fprintf(f, "%.3f %.3f %s %.3f\n", (r->start - ft.t0) * 1e3,
			        (r->end - r->start) * 1e3, cause, (r->end - r->key) * 1e3);
		else
			fprintf(f, "%.3f %.3f %s -\n", (r->start - ft.t0) * 1e3,
			        (r->end - r->start) * 1e3, cause);
	}
	if (f && fclose(f) != 0)
		ok = false;
	free(ft.rec);
	free(ft.path);
	ft.rec = NULL;
	ft.path = NULL;
	return ok;
}
