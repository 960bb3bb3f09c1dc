/* fuzz_sim_dispatch.c: libFuzzer target over the sim's whole request
 * pipeline (routing, SigV4, faults, every service model).  Not built by
 * CMake; build and run by hand from the source tree:
 *
 *   cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang \
 *         -DCUTOVER_SANITIZE=address -DCUTOVER_TESTS=OFF -DCUTOVER_WERROR=OFF && cmake --build build-fuzz
 *   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -fsanitize=fuzzer,address,undefined \
 *         -Iinclude -Isrc -I/usr/include/cjson tests/fuzz/fuzz_sim_dispatch.c \
 *         build-fuzz/libcutover_core.a -lmicrohttpd -lcjson -lcrypto -lcurl -lsqlite3 \
 *         -linih -lpthread -lm -o build-fuzz/fuzz_sim_dispatch
 *   SIM_FUZZ_SCENARIO=tests/fixtures/sim/full.scenario.json build-fuzz/fuzz_sim_dispatch -max_total_time=60
 */
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz/sim_request_decoder.h"

static struct sim_server *fuzz_server(bool no_auth)
{
	struct sim_server_options opt = { 0 };
	struct cutover_err err = { 0 };
	const char *path = getenv("SIM_FUZZ_SCENARIO");
	struct sim_server *s = NULL;

	opt.no_auth = no_auth;
	opt.seed = 1;
	if (sim_server_create(path ? path : "tests/fixtures/sim/full.scenario.json", &opt, &s, &err)) {
		fprintf(stderr, "fuzz: %s\n", err.msg);
		abort();
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_server *open_srv, *auth_srv;
	struct sim_http_response resp;
	struct fz_request r;

	if (!open_srv) {
		open_srv = fuzz_server(true);
		auth_srv = fuzz_server(false);
	}
	fz_decode(data, size, &r);
	sim_server_dispatch(size % 2 ? auth_srv : open_srv, &r.req, &resp);
	if (resp.status < 100 || resp.status > 599 || !resp.request_id[0])
		abort();
	free(resp.body);
	fz_free(&r);
	return 0;
}
