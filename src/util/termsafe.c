/* termsafe.c: remote text on a terminal, controls defused (see termsafe.h). */
#include "cutover/termsafe.h"

static int is_c0_or_del(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void termsafe_put(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc(is_c0_or_del((unsigned char)*s) ? '?' : *s, out);
}

void termsafe_put_escaped(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (is_c0_or_del(*p)) {
			fprintf(out, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(out, "\\u%04x", p[1]);
			p++;
		} else {
			fputc(*p, out);
		}
	}
}

void termsafe_scrub(char *s)
{
	for (; s && *s; s++)
		if (is_c0_or_del((unsigned char)*s))
			*s = '?';
}
