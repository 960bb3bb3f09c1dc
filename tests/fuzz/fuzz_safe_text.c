/* fuzz_safe_text.c: turning remote bytes into drawable text (ui/safe_text.c).
 * The first byte picks the width and the ASCII flag, the rest is the text.
 * Promises checked (the header's): the output is valid UTF-8 with no C0,
 * DEL or C1 control and no bidi override left; ASCII mode gives ASCII only;
 * a fitted text takes at most its width; safe_text_buf always terminates. */
#include <locale.h>

#include "fuzz_target.h"
#include "safe_text.h"

/* Walk s as UTF-8; fail on anything a terminal could act on. */
static void check_safe(const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i], cp, len;

		if (c < 0x20 || c == 0x7f)
			fuzz_fail("control byte 0x%02x at %zu", c, i);
		if (c < 0x80) {
			i++;
			continue;
		}
		if (flags & SAFE_TEXT_ASCII)
			fuzz_fail("non-ASCII byte 0x%02x at %zu in ASCII mode", c, i);
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
		if (!len || c > 0xf4 || i + len > n)
			fuzz_fail("bad UTF-8 lead 0x%02x at %zu", c, i);
		cp = c & (0x7f >> len);
		for (unsigned k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				fuzz_fail("bad UTF-8 continuation at %zu", i + k);
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			fuzz_fail("U+%04X left in the output at %zu", cp, i);
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct strbuf out = STRBUF_INIT;
	unsigned flags;
	int width, cols = -1;
	char buf[64], *cstr;
	const char *text;
	size_t n;

	if (!ready) {
		/* widths need a UTF-8 locale, as in the console */
		if (!setlocale(LC_CTYPE, "C.UTF-8"))
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	flags = data[0] & 0x80 ? SAFE_TEXT_ASCII : 0;
	width = (int)(data[0] & 0x7f) - 4; /* -4..123: zero and negative widths too */
	text = (const char *)data + 1;
	n = size - 1;

	if (safe_text_append(&out, text, n, flags, &cols) != CUTOVER_OK)
		abort();
	check_safe(out.data ? out.data : "", out.len, flags);
	if (cols < 0)
		fuzz_fail("append: %d columns", cols);
	strbuf_free(&out);

	cols = -1;
	if (safe_text_fit(&out, text, n, width, flags, &cols) != CUTOVER_OK)
		abort();
	check_safe(out.data ? out.data : "", out.len, flags);
	if (cols < 0 || cols > (width > 0 ? width : 0))
		fuzz_fail("fit into %d columns used %d", width, cols);
	strbuf_free(&out);

	cstr = fuzz_cstr(data + 1, n);
	for (size_t cap = 0; cap <= sizeof(buf); cap += 13) {
		memset(buf, 'X', sizeof(buf));
		cols = safe_text_buf(buf, cap, cstr, width, flags);
		if (cap && !memchr(buf, '\0', cap))
			fuzz_fail("safe_text_buf into %zu bytes: not terminated", cap);
		if (cap < sizeof(buf) && buf[cap] != 'X')
			fuzz_fail("safe_text_buf wrote past %zu bytes", cap);
		if (cap)
			check_safe(buf, strlen(buf), flags);
		if (cols < 0 || cols > (width > 0 ? width : 0))
			fuzz_fail("safe_text_buf into %d columns used %d", width, cols);
	}
	free(cstr);
	return 0;
}
