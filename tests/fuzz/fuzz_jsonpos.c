/* fuzz_jsonpos.c: the JSON-with-comments position index (jsonpos_build),
 * under the default options and under tight limits without comments.
 * Promises checked: on OK, every node lies inside the text, its children
 * inside it, and `clean` is exactly as long as the text; on EPARSE exactly
 * one located error. */
#include "cutover/jsonpos.h"
#include "fuzz_target.h"

static void check(const uint8_t *data, size_t size, const struct jsonpos_opts *o)
{
	struct jsonpos ix = JSONPOS_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	enum cutover_status st = jsonpos_build(&ix, (const char *)data, size, o, &d);
	int line, col;

	if (st == CUTOVER_OK) {
		if (!ix.count || !ix.clean || strlen(ix.clean) != size)
			fuzz_fail("OK but %zu nodes, clean %zu bytes of %zu", ix.count,
				  ix.clean ? strlen(ix.clean) : 0, size);
		for (size_t i = 0; i < ix.count; i++) {
			const struct jsonpos_node *n = &ix.nodes[i];

			if (n->off >= n->end || n->end > size)
				fuzz_fail("node %zu spans %zu..%zu of %zu", i, n->off, n->end, size);
			if (n->parent != JSONPOS_NONE &&
			    (n->off < ix.nodes[n->parent].off || n->end > ix.nodes[n->parent].end))
				fuzz_fail("node %zu lies outside its parent", i);
			jsonpos_linecol(&ix, n->off, &line, &col);
			if (line < 1 || col < 1)
				fuzz_fail("node %zu at %d:%d", i, line, col);
			(void)jsonpos_child(&ix, i, n->nchildren ? n->nchildren - 1 : 0);
			(void)jsonpos_key_off(&ix, i);
		}
		jsonpos_linecol(&ix, size, &line, &col);
	} else if (st == CUTOVER_EPARSE && !d.oom && d.nerrors != 1) {
		fuzz_fail("EPARSE with %zu errors", d.nerrors);
	}
	jsonpos_free(&ix);
	diag_list_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jsonpos_opts tight = { false, 4, 64, 256 };

	check(data, size, NULL);
	check(data, size, &tight);
	return 0;
}
