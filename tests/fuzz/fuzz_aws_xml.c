/* fuzz_aws_xml.c: the hand-written XML tag reader (src/aws/aws_xml.c) with
 * the tags the client asks for, into roomy and tiny buffers.  Promises
 * checked: the output is always NUL-terminated inside its buffer, and ""
 * when the tag is not found. */
#include "aws/aws_xml.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tags[] = { "Code", "Message", "Arn", "Account", "UserId",
					    "RequestId", "Error" };
	static const size_t sizes[] = { 1, 2, 7, 512 };

	for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			/* exactly sizes[k] bytes, so ASan sees a write past the end */
			char *out = malloc(sizes[k]);
			int found;

			if (!out)
				abort();
			found = aws_xml_tag((const char *)data, size, tags[t], out, sizes[k]);
			if (!memchr(out, '\0', sizes[k]))
				fuzz_fail("<%s> into %zu bytes: not NUL-terminated", tags[t], sizes[k]);
			if (!found && out[0])
				fuzz_fail("<%s> not found but out is \"%s\"", tags[t], out);
			free(out);
		}
	return 0;
}
