/* fuzz_target.h: what every fuzz target in tests/fuzz/ shares.  A target is
 * one file fuzz_NAME.c defining LLVMFuzzerTestOneInput; it is linked either
 * with libFuzzer (CUTOVER_FUZZ=ON, clang) or with replay_main.c, which feeds
 * it the files of tests/fuzz/corpus/NAME/ (the CTest test fuzz/NAME).
 * A target calls fuzz_fail() when an invariant the parser promises is
 * broken: abort() is what both libFuzzer and CTest report as a failure. */
#ifndef CUTOVER_FUZZ_TARGET_H
#define CUTOVER_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken promise and stop, so the input is kept as a crash. */
#define fuzz_fail(...) \
	do { \
		fprintf(stderr, "%s:%d: invariant broken: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

/* A NUL-terminated heap copy of the input, for APIs that take C strings
 * (embedded NULs simply end the string early, as they would in a file read
 * with fgets).  Aborts on out of memory: that is not a finding. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
