/* fifo.c: see fifo.h. */
#include "cutover/fifo.h"

void fifo_push(struct fifo *f, struct fifo_node *n)
{
	n->next = NULL;
	if (f->tail)
		f->tail->next = n;
	else
		f->head = n;
	f->tail = n;
}

struct fifo_node *fifo_pop(struct fifo *f)
{
	struct fifo_node *n = f->head;

	if (n) {
		f->head = n->next;
		if (!f->head)
			f->tail = NULL;
		n->next = NULL;
	}
	return n;
}

struct fifo_node *fifo_take_all(struct fifo *f)
{
	struct fifo_node *n = f->head;

	f->head = f->tail = NULL;
	return n;
}

bool fifo_empty(const struct fifo *f) { return f->head == NULL; }
