/* aws_xml.c: first-tag text extraction for Query protocol answers. */
#include <string.h>

#include "aws_xml.h"

static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || hlen < nlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

static void decode_into(const char *p, size_t len, char *out, size_t n)
{
	static const struct { const char *ent; char ch; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < n;) {
		size_t k, used = 0;

		if (p[i] == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				size_t el = strlen(ents[k].ent);
				if (i + el <= len && memcmp(p + i, ents[k].ent, el) == 0) {
					out[o++] = ents[k].ch;
					used = el;
					break;
				}
			}
		}
		if (used) {
			i += used;
			continue;
		}
		out[o++] = p[i++];
	}
	out[o] = '\0';
}

int aws_xml_tag(const char *body, size_t len, const char *tag, char *out, size_t n)
{
	char open[64], close[64];
	const char *p = body, *end = body + len;
	size_t tl = strlen(tag);

	if (n)
		out[0] = '\0';
	if (!body || tl + 4 > sizeof(open) || n == 0)
		return 0;
	memcpy(open, "<", 1);
	memcpy(open + 1, tag, tl);
	open[tl + 1] = '\0';
	memcpy(close, "</", 2);
	memcpy(close + 2, tag, tl);
	close[tl + 2] = '>';
	close[tl + 3] = '\0';
	while (p < end) {
		const char *s = find_bytes(p, (size_t)(end - p), open, tl + 1), *gt, *e;

		if (!s)
			return 0;
		gt = s + tl + 1;
		/* "<Code>" or "<Code attr=...>", but not "<CodeX>" */
		if (gt < end && (*gt == '>' || *gt == ' ')) {
			gt = memchr(gt, '>', (size_t)(end - gt));
			if (!gt)
				return 0;
			gt++;
			e = find_bytes(gt, (size_t)(end - gt), close, tl + 3);
			if (!e)
				return 0;
			decode_into(gt, (size_t)(e - gt), out, n);
			return 1;
		}
		p = s + 1;
	}
	return 0;
}
