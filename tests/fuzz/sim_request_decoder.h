/* sim_request_decoder.h: turn arbitrary bytes into one HTTP request for the
 * sim's pipeline (sim_server_dispatch), so a fuzzer (fuzz_sim_dispatch.c)
 * and the unit test (test_sim_dispatch.c) drive it the same way.
 * Test code only: static functions in a header, included once per program. */
#ifndef CUTOVER_SIM_REQUEST_DECODER_H
#define CUTOVER_SIM_REQUEST_DECODER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_server.h"

static const char *const fz_methods[] = { "POST", "GET", "PUT", "DELETE", "HEAD" };
static const char *const fz_paths[] = { "/", "/health", "/ready", "/x", "/health/", "" };
static const char *const fz_targets[] = {
	"AmazonSSM.GetParameters", "AmazonSSM.GetParametersByPath", "AmazonSSM.PutParameter",
	"AmazonSSM.GetParameterHistory", "AmazonSSM.GetParameter", "AmazonSSM.Nope", "AmazonSSM.",
	"AWSStepFunctions.DescribeExecution", "AWSStepFunctions.GetExecutionHistory",
	"AWSStepFunctions.ListExecutions", "AWSStepFunctions.StartExecution",
	"AWSStepFunctions.StopExecution", "AWSStepFunctions.SendTaskSuccess",
	"AWSStepFunctions.SendTaskFailure", "AWSStepFunctions.DescribeStateMachine",
	"GraniteServiceVersion20100801.GetMetricData", "GraniteServiceVersion20100801.DescribeAlarms",
	"Bogus", ".", "AmazonSSMX.GetParameters",
};
static const char *const fz_ctypes[] = {
	"application/x-amz-json-1.1", "application/x-amz-json-1.0",
	"application/x-www-form-urlencoded; charset=utf-8", "text/plain",
};
static const char *const fz_auths[] = {
	"AWS4-HMAC-SHA256 Credential=AKIDFULLTEST/20261121/us-east-1/ssm/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
	"AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;;;, Signature=",
	"AWS4-HMAC-SHA256 ", "Basic x", "AWS4-HMAC-SHA256 Credential=AKIDFULLTEST",
};

struct fz_request {
	struct sim_kv headers[8];
	struct sim_kv query[2];
	struct sim_http_request req;
	char *body;
};

/* Decode data into r (r->body is heap memory: fz_free). */
static void fz_decode(const uint8_t *data, size_t n, struct fz_request *r)
{
	size_t nh = 0, i = 0;
	uint8_t b[6] = { 0 };

	memset(r, 0, sizeof(*r));
	for (; i < 6 && i < n; i++)
		b[i] = data[i];
	r->req.method = fz_methods[b[0] % 5];
	r->req.path = fz_paths[b[1] % 6];
	if (b[2] & 1)
		r->headers[nh++] = (struct sim_kv){ "X-Amz-Target", fz_targets[b[3] % (sizeof(fz_targets) / sizeof(fz_targets[0]))] };
	if (b[2] & 2)
		r->headers[nh++] = (struct sim_kv){ "Content-Type", fz_ctypes[b[4] % 4] };
	if (b[2] & 4)
		r->headers[nh++] = (struct sim_kv){ "Authorization", fz_auths[b[5] % 5] };
	if (b[2] & 8)
		r->headers[nh++] = (struct sim_kv){ "Accept", "application/json" };
	if (b[2] & 16)
		r->headers[nh++] = (struct sim_kv){ "X-Amz-Date", "20261121T185000Z" };
	if (b[2] & 32)
		r->headers[nh++] = (struct sim_kv){ "x-amz-security-token", "t" };
	r->headers[nh++] = (struct sim_kv){ "Host", "127.0.0.1:1" };
	if (b[2] & 64) {
		r->query[0] = (struct sim_kv){ "a", NULL };
		r->query[1] = (struct sim_kv){ "b c", "d&e" };
		r->req.query = r->query;
		r->req.nquery = 2;
	}
	r->req.headers = r->headers;
	r->req.nheaders = nh;
	r->req.body_too_big = (b[2] & 128) && (b[1] & 128);
	n -= i;
	r->body = malloc(n + 1);
	if (r->body) {
		memcpy(r->body, data + i, n);
		r->body[n] = '\0';
		r->req.body = r->body;
		r->req.body_len = n;
	} else {
		r->req.body = "";
	}
}

static void fz_free(struct fz_request *r)
{
	free(r->body);
}

#endif
