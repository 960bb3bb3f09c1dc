/* test_fifo.c: the intrusive FIFO the worker threads queue through: order,
 * empty pops, take-all, and reuse after emptying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cutover/fifo.h"

struct item {
	struct fifo_node node; /* first, as fifo.h asks */
	int v;
};

static void test_order_and_empty(void **state)
{
	struct fifo f = {0};
	struct item it[3] = {{.v = 1}, {.v = 2}, {.v = 3}};

	(void)state;
	assert_true(fifo_empty(&f));
	assert_null(fifo_pop(&f));
	for (int i = 0; i < 3; i++)
		fifo_push(&f, &it[i].node);
	assert_false(fifo_empty(&f));
	for (int i = 0; i < 3; i++)
		assert_int_equal(((struct item *)fifo_pop(&f))->v, i + 1);
	assert_true(fifo_empty(&f));
	assert_null(fifo_pop(&f));
	/* Usable again once emptied: the tail was reset too. */
	fifo_push(&f, &it[1].node);
	fifo_push(&f, &it[0].node);
	assert_int_equal(((struct item *)fifo_pop(&f))->v, 2);
	assert_int_equal(((struct item *)fifo_pop(&f))->v, 1);
	assert_null(fifo_pop(&f));
}

static void test_take_all(void **state)
{
	struct fifo f = {0};
	struct item it[3] = {{.v = 1}, {.v = 2}, {.v = 3}};
	struct fifo_node *n;
	int want = 1;

	(void)state;
	assert_null(fifo_take_all(&f));
	for (int i = 0; i < 3; i++)
		fifo_push(&f, &it[i].node);
	n = fifo_take_all(&f);
	assert_true(fifo_empty(&f));
	for (; n; n = n->next)
		assert_int_equal(((struct item *)n)->v, want++);
	assert_int_equal(want, 4);
	fifo_push(&f, &it[2].node);
	assert_int_equal(((struct item *)fifo_pop(&f))->v, 3);
	assert_true(fifo_empty(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_empty),
	    cmocka_unit_test(test_take_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
