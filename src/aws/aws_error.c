/* aws_error.c: classifying AWS error codes and turning a struct aws_error
 * into text a person can act on.  Parsing error bodies is in
 * aws_error_json.c (cJSON stays in the mapping files). */
#include <stdio.h>
#include <string.h>

#include "cutover/aws_error.h"

void aws_error_clear(struct aws_error *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

void aws_error_sanitize_code(const char *raw, char *out, size_t n)
{
	const char *start, *end, *hash;
	size_t len;

	if (n == 0)
		return;
	out[0] = '\0';
	if (!raw)
		return;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	end = raw + strcspn(raw, ":;, \t\r\n");
	start = raw;
	for (hash = raw; hash < end; hash++)
		if (*hash == '#')
			start = hash + 1;
	len = (size_t)(end - start);
	if (len >= n)
		len = n - 1;
	memcpy(out, start, len);
	out[len] = '\0';
}

static int in_list(const char *code, const char *const *list)
{
	if (!code || !*code)
		return 0;
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return 1;
	return 0;
}

/* AWS-WIRE.md 4.1, plus SSM's TooManyUpdates (4.2). */
static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException", "TooManyUpdates", NULL
};

static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"IDPCommunicationError", NULL
};

static const char *const auth_codes[] = {
	"UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException",
	"SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "RequestExpired",
	"MissingAuthenticationToken", "MissingAuthenticationTokenException",
	"IncompleteSignature", "IncompleteSignatureException", "InvalidAccessKeyId", NULL
};

int aws_error_code_is_throttle(const char *code) { return in_list(code, throttle_codes); }
int aws_error_code_is_transient(const char *code) { return in_list(code, transient_codes); }
int aws_error_code_is_auth(const char *code) { return in_list(code, auth_codes); }

static int has_word(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	for (; hay && *hay; hay++) {
		size_t i;
		for (i = 0; i < nl; i++) {
			char a = hay[i], b = needle[i];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (a != b)
				break;
		}
		if (i == nl)
			return 1;
	}
	return 0;
}

static const char *advice_for(const struct aws_error *e, char *tmp, size_t tn)
{
	const char *c = e->code;

	if (!strcmp(c, "InvalidSignatureException") || !strcmp(c, "SignatureDoesNotMatch")) {
		if (has_word(e->message, "expired") || has_word(e->message, "not yet current"))
			return "This machine's clock is off: AWS accepts requests only within about "
			       "5 minutes of its time. Sync the clock (timedatectl, chrony) and retry.";
		return "The secret access key does not match the access key ID, or the clock is "
		       "off. Check the credentials in use (environment, profile or "
		       "credential_process) and that the system clock is correct.";
	}
	if (!strcmp(c, "UnrecognizedClientException") || !strcmp(c, "InvalidClientTokenId") ||
	    !strcmp(c, "InvalidAccessKeyId"))
		return "AWS does not know this access key ID. Check which credentials are in use "
		       "(AWS_PROFILE, AWS_ACCESS_KEY_ID) and that they belong to this partition "
		       "and endpoint.";
	if (!strcmp(c, "ExpiredToken") || !strcmp(c, "ExpiredTokenException") ||
	    !strcmp(c, "RequestExpired"))
		return "The session credentials have expired. Refresh them (aws sso login, or the "
		       "profile's credential_process) and retry.";
	if (!strcmp(c, "MissingAuthenticationToken") ||
	    !strcmp(c, "MissingAuthenticationTokenException") || !strcmp(c, "IncompleteSignature"))
		return "The request reached AWS without a valid signature. Check that credentials "
		       "are configured.";
	if (!strcmp(c, "AccessDenied") || !strcmp(c, "AccessDeniedException") ||
	    !strcmp(c, "UnauthorizedOperation")) {
		snprintf(tmp, tn, "The identity in use lacks the IAM permission %s on this "
			 "resource. Grant it (or use a profile that has it).%s",
			 e->action[0] ? e->action : "for this call",
			 e->outcome_unknown ? "" : " Nothing was changed.");
		return tmp;
	}
	if (!strncmp(c, "Kms", 3))
		return "The data is encrypted with a KMS key this identity cannot use. Grant "
		       "kms:Decrypt on the key, or ask its owner.";
	if (aws_error_code_is_throttle(c)) {
		snprintf(tmp, tn, "AWS is throttling these requests; the call was tried %d time%s "
			 "with backoff%s. Wait a little, or poll less often.", e->attempts,
			 e->attempts == 1 ? "" : "s",
			 e->retry_quota_exhausted ? " until the retry budget ran out" : "");
		return tmp;
	}
	if (!strcmp(c, "ExecutionDoesNotExist") || !strcmp(c, "StateMachineDoesNotExist") ||
	    !strcmp(c, "ParameterNotFound") || !strcmp(c, "ResourceNotFound") ||
	    !strcmp(c, "ResourceNotFoundException") || !strcmp(c, "InvalidArn")) {
		snprintf(tmp, tn, "Check the name or ARN in the runbook, and that it lives in the "
			 "account and region this endpoint serves (%s).", e->endpoint);
		return tmp;
	}
	if (!strcmp(c, "ParameterAlreadyExists"))
		return "The parameter exists and overwrite was not requested. Nothing was changed.";
	if (!strcmp(c, "ExecutionAlreadyExists"))
		return "An execution with this name already exists with a different input. Choose "
		       "another name, or look at the existing execution.";
	if (!strcmp(c, "TaskTimedOut") || !strcmp(c, "InvalidToken") ||
	    !strcmp(c, "TaskDoesNotExist"))
		return "The task token is no longer valid: the task already finished, timed out, or "
		       "was answered by someone else. Refresh the execution to see its state.";
	if (!strcmp(c, "ExecutionLimitExceeded") || !strcmp(c, "ParameterLimitExceeded"))
		return "An account limit was reached. Free capacity or raise the quota, then retry.";
	if (!strcmp(c, "ValidationException") || !strcmp(c, "InvalidParameterValue") ||
	    !strcmp(c, "InvalidParameterCombination") || !strcmp(c, "MissingParameter") ||
	    !strcmp(c, "InvalidExecutionInput") || !strcmp(c, "InvalidName") ||
	    !strcmp(c, "InvalidOutput") || !strcmp(c, "SerializationException"))
		return "AWS rejected the request as invalid. Check the values in the runbook against "
		       "the message above.";
	if (e->http_status >= 500 || aws_error_code_is_transient(c)) {
		snprintf(tmp, tn, "The service failed on its side (tried %d time%s). Try again "
			 "shortly; check the AWS Health Dashboard if it persists.", e->attempts,
			 e->attempts == 1 ? "" : "s");
		return tmp;
	}
	return NULL;
}

size_t aws_error_render(const struct aws_error *e, char *buf, size_t n)
{
	char tmp[384], head[160], ctx[256];
	const char *advice = NULL;
	int len;

	if (!e) {
		len = snprintf(buf, n, "no error");
		return len < 0 ? 0 : (size_t)len;
	}
	snprintf(head, sizeof(head), "%s%s%s", e->service, e->service[0] ? " " : "",
		 e->operation[0] ? e->operation : "call");
	switch (e->kind) {
	case AWS_ERR_NONE:
		len = snprintf(buf, n, "%s: no error", head);
		break;
	case AWS_ERR_AWS:
	case AWS_ERR_AUTH:
		if (!e->code[0] && !e->http_status) {
			/* credentials could not be obtained: nothing reached AWS */
			len = snprintf(buf, n, "%s: no usable AWS credentials: %s Nothing was sent.",
				       head, e->message[0] ? e->message : "none were found.");
			break;
		}
		advice = advice_for(e, tmp, sizeof(tmp));
		snprintf(ctx, sizeof(ctx), "HTTP %ld%s%s, %d attempt%s", e->http_status,
			 e->request_id[0] ? ", request " : "", e->request_id, e->attempts,
			 e->attempts == 1 ? "" : "s");
		{
			size_t ml = strlen(e->message);
			int dot = ml && e->message[ml - 1] == '.';

			len = snprintf(buf, n, "%s: %s (%s)%s%s%s%s%s", head,
				       e->code[0] ? e->code : "error", ctx,
				       e->message[0] ? ": " : "", e->message,
				       dot ? (advice ? " " : "") : (advice ? ". " : "."),
				       advice ? advice : "",
			       e->outcome_unknown ? " The outcome is unknown: the change may have "
						    "been applied. Check the current state before "
						    "retrying." : "");
		}
		break;
	case AWS_ERR_TRANSPORT:
		len = snprintf(buf, n, "%s: cannot reach %s: %s (%d attempt%s%s). Check the "
			       "network or VPN, the endpoint URL (AWS_ENDPOINT_URL_*) and the "
			       "region.%s", head, e->endpoint[0] ? e->endpoint : "the endpoint",
			       e->detail[0] ? e->detail : "transport failure", e->attempts,
			       e->attempts == 1 ? "" : "s",
			       e->retry_quota_exhausted ? ", retry budget exhausted" : "",
			       e->outcome_unknown ? " The outcome is unknown: the request may have "
						    "been applied. Check the current state before "
						    "retrying." : "");
		break;
	case AWS_ERR_PARSE:
		len = snprintf(buf, n, "%s: could not read the answer from %s (HTTP %ld%s%s): %s. "
			       "The endpoint may not be an AWS %s endpoint; check the URL.", head,
			       e->endpoint[0] ? e->endpoint : "the endpoint", e->http_status,
			       e->request_id[0] ? ", request " : "", e->request_id,
			       e->detail[0] ? e->detail : "malformed", e->service);
		break;
	case AWS_ERR_CANCELLED:
		len = snprintf(buf, n, "%s: cancelled before it finished.%s", head,
			       e->outcome_unknown ? " The outcome is unknown: check the current "
						    "state." : "");
		break;
	case AWS_ERR_INVALID:
	default:
		len = snprintf(buf, n, "%s: %s Nothing was sent.", head,
			       e->detail[0] ? e->detail : "invalid argument.");
		break;
	}
	if (len < 0) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	return (size_t)len;
}

enum cutover_status aws_error_to_err(const struct aws_error *e, struct cutover_err *err)
{
	enum cutover_status st = e && e->status != CUTOVER_OK ? e->status : CUTOVER_EAWS;

	if (err) {
		err->status = st;
		aws_error_render(e, err->msg, sizeof(err->msg));
	}
	return st;
}
