/* fifo.h: an intrusive first-in first-out list, the queue each worker thread
 * keeps between itself and the console (action_queue, rollback_worker,
 * audit_reader): requests in, results out.  An item embeds a struct
 * fifo_node as its FIRST member, so a node pointer converts back to the item.
 * No locking and no allocation: the owner holds its own mutex around every
 * call and owns the items. */
#ifndef CUTOVER_FIFO_H
#define CUTOVER_FIFO_H

#include <stdbool.h>
#include <stddef.h>

struct fifo_node {
	struct fifo_node *next;
};

struct fifo {
	struct fifo_node *head, *tail;
};

/* Append n (its next is overwritten). */
void fifo_push(struct fifo *f, struct fifo_node *n);
/* The oldest node, removed; NULL when empty. */
struct fifo_node *fifo_pop(struct fifo *f);
/* Every node, oldest first, removed at once (a worker takes a batch). */
struct fifo_node *fifo_take_all(struct fifo *f);
bool fifo_empty(const struct fifo *f);

#endif
