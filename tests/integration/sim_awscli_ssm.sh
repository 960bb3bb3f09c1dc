#!/usr/bin/env bash
# The real AWS CLI (botocore) against `cutover sim`: SSM and STS answers parse
# and carry the scenario's values; signatures, session tokens and wrong
# secrets are judged as AWS does.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"

start_sim S --scenario "$SRCDIR/tests/fixtures/sim/basic.scenario.json" --seed 7 || exit 1
export AWS_ACCESS_KEY_ID=AKIDTESTALICE AWS_SECRET_ACCESS_KEY='alice/secret+key' AWS_DEFAULT_REGION=eu-west-1
ssm() { aws --endpoint-url "$S_URL" ssm "$@" --output json 2>&1; }
sts() { aws --endpoint-url "$S_URL" sts "$@" --output json 2>&1; }

# GetParameters: alphabetical, unknown names in InvalidParameters, selectors.
out=$(ssm get-parameters --names /app/prod/flags/read_new /nope /app/prod/flags/dual_write /app/prod/flags/dual_write:1); rc=$?
expect_rc 0 $rc "get-parameters"
expect_contains "$(json_get "$out" '[p["Name"] for p in d["Parameters"]]')" \
	"['/app/prod/flags/dual_write', '/app/prod/flags/dual_write', '/app/prod/flags/read_new']" "get-parameters alphabetical"
expect_contains "$(json_get "$out" 'd["InvalidParameters"]')" "['/nope']" "unknown name is invalid, not an error"
expect_contains "$(json_get "$out" '[p.get("Selector") for p in d["Parameters"]]')" "':1'" "selector echoed"
expect_contains "$(json_get "$out" 'd["Parameters"][0]["ARN"]')" \
	"arn:aws:ssm:eu-west-1:111122223333:parameter/app/prod/flags/dual_write" "parameter ARN"

# SecureString: ciphertext unless --with-decryption.
out=$(ssm get-parameters --names /app/prod/db/password)
expect_not_contains "$out" "hunter2" "SecureString hidden without decryption"
out=$(ssm get-parameters --names /app/prod/db/password --with-decryption)
expect_contains "$(json_get "$out" 'd["Parameters"][0]["Value"]')" "hunter2" "SecureString decrypted"

# GetParametersByPath: recursive across pages of 2 (the CLI follows every
# NextToken, empty pages included), non-recursive only direct children.
out=$(ssm get-parameters-by-path --path /app/prod --recursive --page-size 2); rc=$?
expect_rc 0 $rc "get-parameters-by-path recursive"
expect_contains "$(json_get "$out" '[p["Name"] for p in d["Parameters"]]')" \
	"['/app/prod/db/password', '/app/prod/db/url', '/app/prod/flags/dual_write', '/app/prod/flags/read_new', '/app/prod/flags/rollback_mode', '/app/prod/regions']" \
	"by-path: all six, in order, over pages"
out=$(ssm get-parameters-by-path --path /app/prod/ --page-size 1)
expect_contains "$(json_get "$out" '[p["Name"] for p in d["Parameters"]]')" "['/app/prod/regions']" "by-path non-recursive"
out=$(ssm get-parameters-by-path --path /app/prod --recursive --page-size 11)
expect_contains "$out" "ValidationException" "MaxResults over 10 refused"
out=$(ssm get-parameters-by-path --path app --recursive)
expect_contains "$out" "ValidationException" "path without / refused"

# PutParameter: type required on create, no silent overwrite, version bump,
# caller recorded.
out=$(ssm put-parameter --name /app/prod/flags/new_flag --value on)
expect_contains "$out" "ValidationException" "create without type"
out=$(ssm put-parameter --name /app/prod/flags/new_flag --value on --type String)
expect_contains "$(json_get "$out" 'd["Version"]')" "1" "created at version 1"
out=$(ssm put-parameter --name /app/prod/flags/dual_write --value on)
expect_contains "$out" "ParameterAlreadyExists" "no overwrite without --overwrite"
out=$(ssm put-parameter --name /app/prod/flags/dual_write --value on --overwrite)
expect_contains "$(json_get "$out" 'd["Version"]')" "2" "overwrite bumps the version"
out=$(ssm get-parameters --names /app/prod/flags/dual_write)
expect_contains "$(json_get "$out" 'd["Parameters"][0]["Value"], d["Parameters"][0]["Version"]')" "('on', 2)" "new value read back"

# GetParameter: versions and not-found errors.
out=$(ssm get-parameter --name /app/prod/flags/dual_write:1)
expect_contains "$(json_get "$out" 'd["Parameter"]["Value"]')" "off" "name:1 is the old value"
out=$(ssm get-parameter --name /app/prod/flags/dual_write:9)
expect_contains "$out" "ParameterVersionNotFound" "missing version"
out=$(ssm get-parameter --name /app/prod/missing)
expect_contains "$out" "ParameterNotFound" "missing parameter"

# GetParameterHistory: versions with who changed them, paged by one.
ssm put-parameter --name /app/prod/flags/dual_write --value off --overwrite >/dev/null
out=$(ssm get-parameter-history --name /app/prod/flags/dual_write --page-size 1); rc=$?
expect_rc 0 $rc "get-parameter-history"
expect_contains "$(json_get "$out" '[(p["Version"], p["Value"]) for p in d["Parameters"]]')" \
	"[(1, 'off'), (2, 'on'), (3, 'off')]" "history: every version, oldest first"
expect_contains "$(json_get "$out" 'd["Parameters"][2]["LastModifiedUser"]')" \
	"arn:aws:iam::111122223333:user/alice" "history: LastModifiedUser is the caller"
expect_contains "$(json_get "$out" 'float(d["Parameters"][2]["LastModifiedDate"]) > 1.6e9')" "True" "LastModifiedDate parses as a timestamp"
out=$(ssm get-parameter-history --name /app/prod/missing)
expect_contains "$out" "ParameterNotFound" "history of a missing parameter"

# STS: who is calling, as XML parsed by botocore.
out=$(sts get-caller-identity); rc=$?
expect_rc 0 $rc "get-caller-identity"
expect_contains "$(json_get "$out" '(d["Account"], d["Arn"])')" \
	"('111122223333', 'arn:aws:iam::111122223333:user/alice')" "caller identity"
expect_match "$(json_get "$out" 'd["UserId"]')" '^AIDA[A-Z2-7]{17}$' "user id shape"

# Session-token credentials: the token is required and must match.
out=$(AWS_ACCESS_KEY_ID=ASIATESTBOB AWS_SECRET_ACCESS_KEY=bob-secret AWS_SESSION_TOKEN='FQoGZXIvYXdzBOBTOKEN//+==' sts get-caller-identity); rc=$?
expect_rc 0 $rc "session token accepted"
expect_contains "$out" "assumed-role/cutover-ops/bob" "assumed-role ARN"
expect_match "$(json_get "$out" 'd["UserId"]')" '^AROA[A-Z2-7]{17}:bob$' "role user id"
out=$(AWS_ACCESS_KEY_ID=ASIATESTBOB AWS_SECRET_ACCESS_KEY=bob-secret ssm get-parameters --names /app/staging/flag)
expect_contains "$out" "UnrecognizedClientException" "missing session token refused"
out=$(AWS_ACCESS_KEY_ID=ASIATESTBOB AWS_SECRET_ACCESS_KEY=bob-secret AWS_SESSION_TOKEN=other ssm get-parameters --names /app/staging/flag)
expect_contains "$out" "The security token included in the request is invalid" "wrong session token refused"
out=$(AWS_ACCESS_KEY_ID=ASIATESTBOB AWS_SECRET_ACCESS_KEY=bob-secret AWS_SESSION_TOKEN='FQoGZXIvYXdzBOBTOKEN//+==' ssm put-parameter --name /app/staging/flag --value off --overwrite)
out=$(ssm get-parameter-history --name /app/staging/flag)
expect_contains "$(json_get "$out" 'd["Parameters"][-1]["LastModifiedUser"]')" \
	"arn:aws:sts::111122223333:assumed-role/cutover-ops/bob" "role caller recorded"

# Wrong secret, unknown key, wrong region: the errors AWS gives.
out=$(AWS_SECRET_ACCESS_KEY=wrong ssm get-parameters --names /app/staging/flag); rc=$?
expect_rc 255 $rc "wrong secret fails (CLI v1 exit code for a service error)"
expect_contains "$out" "InvalidSignatureException" "wrong secret: signature error"
expect_contains "$out" "The request signature we calculated does not match" "wrong secret: AWS's message"
out=$(AWS_SECRET_ACCESS_KEY=wrong sts get-caller-identity)
expect_contains "$out" "SignatureDoesNotMatch" "wrong secret on STS (Query)"
out=$(AWS_ACCESS_KEY_ID=AKIDNOBODY ssm get-parameters --names /app/staging/flag)
expect_contains "$out" "UnrecognizedClientException" "unknown key id"
out=$(AWS_ACCESS_KEY_ID=AKIDNOBODY sts get-caller-identity)
expect_contains "$out" "InvalidClientTokenId" "unknown key id on STS (Query)"
out=$(AWS_DEFAULT_REGION=us-west-2 ssm get-parameters --names /app/staging/flag)
expect_contains "$out" "Credential should be scoped to a valid region" "wrong region"

# The sim is still up and answers after all of that.
out=$(ssm get-parameters --names /app/staging/flag); rc=$?
expect_rc 0 $rc "still serving"
finish
