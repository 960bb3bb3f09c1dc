/* curl_floor.c: the resident-memory floor of any program that speaks HTTP
 * through Debian's libcurl, measured next to the idle console by
 * tests/bench/run.sh.  It links only libcurl, calls curl_global_init as
 * cutover does, makes one plain-HTTP GET to URL (the sim, on 127.0.0.1),
 * prints "ready" and waits for a signal, so its VmHWM can be read from
 * /proc in the same window as the console's.
 *
 *   curl_floor URL */
#define _POSIX_C_SOURCE 200809L /* pause() */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* The body is not the point; it goes nowhere. */
static size_t drop(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

int main(int argc, char **argv)
{
	CURL *h;
	CURLcode rc;

	if (argc != 2) {
		fprintf(stderr, "usage: curl_floor URL\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "curl_floor: curl_global_init failed\n");
		return 1;
	}
	h = curl_easy_init();
	if (!h) {
		fprintf(stderr, "curl_floor: curl_easy_init failed\n");
		return 1;
	}
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		fprintf(stderr, "curl_floor: GET %s: %s\n", argv[1], curl_easy_strerror(rc));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	pause(); /* until run.sh's SIGTERM */
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return 0;
}
