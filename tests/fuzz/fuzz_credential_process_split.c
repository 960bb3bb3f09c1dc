/* fuzz_credential_process_split.c: splitting a `credential_process` command
 * into argv the way botocore does (src/aws/credential_process.c).  Promises
 * checked: OK gives a non-empty NULL-terminated argv whose words hold no
 * more bytes than the command; a failure gives no argv and a message. */
#include "aws/credential_process.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmd = fuzz_cstr(data, size);
	struct cutover_err err = { 0 };
	char **argv = NULL;
	enum cutover_status st = credential_process_split(cmd, &argv, &err);

	if (st == CUTOVER_OK) {
		size_t total = 0, n = 0;

		if (!argv || !argv[0])
			fuzz_fail("OK with an empty argv");
		for (; argv[n]; n++)
			total += strlen(argv[n]);
		if (total > strlen(cmd))
			fuzz_fail("%zu words hold %zu bytes, more than the %zu of the command", n,
				  total, strlen(cmd));
	} else if (st != CUTOVER_ENOMEM && (argv || !err.msg[0])) {
		fuzz_fail("status %d with argv %p and message \"%s\"", (int)st, (void *)argv,
			  err.msg);
	}
	credential_process_argv_free(argv);
	free(cmd);
	return 0;
}
