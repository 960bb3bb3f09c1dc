#!/usr/bin/env bash
# Malformed requests get AWS-shaped errors with a request id, and never crash
# or hang the sim: unknown targets, invalid JSON, oversize bodies, wrong
# methods and paths, missing headers, garbage on the socket.
set -u
. "$SRCDIR/tests/lib/assert.sh"
. "$SRCDIR/tests/lib/sim.sh"
command -v curl >/dev/null || { echo "curl missing: ./dev setup --test" >&2; exit 1; }

start_sim S --scenario "$SRCDIR/tests/fixtures/sim/basic.scenario.json" --no-auth || exit 1
start_sim A --scenario "$SRCDIR/tests/fixtures/sim/basic.scenario.json" || exit 1
J11=application/x-amz-json-1.1

# call URL METHOD TARGET CONTENT-TYPE BODY [HEADER] -> "STATUS|REQUEST-ID|BODY"
call() {
	local url=$1 method=$2 target=$3 ct=$4 body=$5 hdr args=()
	hdr=$(mktemp)
	[ -n "${6:-}" ] && args+=(-H "$6")
	[ -n "$target" ] && args+=(-H "X-Amz-Target: $target")
	[ -n "$ct" ] && args+=(-H "Content-Type: $ct")
	[ "$method" = POST ] && args+=(--data-binary "$body")
	local b code
	b=$(curl -s -m 10 -X "$method" -D "$hdr" -w '\n%{http_code}' "${args[@]}" "$url")
	code=${b##*$'\n'}; b=${b%$'\n'*}
	printf '%s|%s|%s' "$code" "$(grep -i '^x-amzn-RequestId:' "$hdr" | tr -d '\r' | cut -d' ' -f2)" "$b"
	rm -f "$hdr"
}
check() { # description expected-status expected-type result
	local r=$4 code=${4%%|*} id=${4#*|}
	id=${id%%|*}
	expect_contains "$code" "$2" "$1: status"
	expect_contains "$r" "$3" "$1: error type"
	expect_match "$id" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' "$1: x-amzn-RequestId"
}

check "unknown target prefix" 400 '"__type":"UnknownOperationException"' "$(call "$S_URL" POST Bogus.Op $J11 '{}')"
check "unknown SSM operation" 400 '"__type":"UnknownOperationException"' "$(call "$S_URL" POST AmazonSSM.DeleteEverything $J11 '{}')"
check "target without operation" 400 'UnknownOperationException' "$(call "$S_URL" POST AmazonSSM. $J11 '{}')"
check "invalid JSON" 400 '"__type":"SerializationException"' "$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '{"Names": [')"
check "JSON that is not an object" 400 'SerializationException' "$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '[1,2]')"
check "wrong member type" 400 'SerializationException' "$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '{"Names": "x"}')"
check "missing required member" 400 'ValidationException' "$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '{}')"
check "eleven names" 400 'ValidationException' "$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '{"Names":["a","b","c","d","e","f","g","h","i","j","k"]}')"
check "bad NextToken" 400 'InvalidNextToken' "$(call "$S_URL" POST AmazonSSM.GetParametersByPath $J11 '{"Path":"/app","NextToken":"forged"}')"
check "missing X-Amz-Target" 400 'Missing X-Amz-Target' "$(call "$S_URL" POST '' $J11 '{}')"
check "target with a form content type" 400 'SerializationException' "$(call "$S_URL" POST AmazonSSM.GetParameters application/x-www-form-urlencoded '{}')"
check "GET /" 405 'UnknownOperationException' "$(call "$S_URL" GET '' '' '')"
check "DELETE /" 405 'UnknownOperationException' "$(call "$S_URL" DELETE '' '' '')"
check "unknown path" 404 'UnknownOperationException' "$(call "$S_URL/nope" POST AmazonSSM.GetParameters $J11 '{}')"
check "Query without Action" 400 '<Code>MissingAction</Code>' "$(call "$S_URL" POST '' application/x-www-form-urlencoded 'Version=2011-06-15')"
check "unknown Query Action" 400 '<Code>InvalidAction</Code>' "$(call "$S_URL" POST '' application/x-www-form-urlencoded 'Action=DeleteAccount&Version=2011-06-15')"
check "unsigned call where auth is on" 400 '"__type":"MissingAuthenticationTokenException"' "$(call "$A_URL" POST AmazonSSM.GetParameters $J11 '{"Names":["plain_name"]}')"
check "unsigned STS where auth is on" 403 '<Code>MissingAuthenticationToken</Code>' "$(call "$A_URL" POST '' application/x-www-form-urlencoded 'Action=GetCallerIdentity&Version=2011-06-15')"
check "garbage Authorization" 400 'IncompleteSignatureException' "$(call "$A_URL" POST AmazonSSM.GetParameters $J11 '{}' 'Authorization: AWS4-HMAC-SHA256 nonsense')"
check "not SigV4" 400 'IncompleteSignatureException' "$(call "$A_URL" POST AmazonSSM.GetParameters $J11 '{}' 'Authorization: Basic dXNlcjpwYXNz')"

# Bodies over the 1 MiB cap: declared, and streamed in chunks.
big=$(mktemp); head -c 1100000 /dev/zero | tr '\0' 'a' >"$big"
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H 'X-Amz-Target: AmazonSSM.GetParameters' -H "Content-Type: $J11" --data-binary "@$big" "$S_URL")
expect_rc 0 $? "oversize body: curl completes"
expect_contains "$code" 413 "oversize body refused with 413"
code=$(curl -s -m 20 -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H 'X-Amz-Target: AmazonSSM.GetParameters' -H "Content-Type: $J11" --data-binary "@$big" "$S_URL")
expect_contains "$code" 413 "oversize chunked body refused with 413"

# Garbage on the socket, a half request, then an idle connection: the sim
# keeps answering others.
port=${S_URL##*:}
{ printf 'GARBAGE \x01\x02\r\n\r\n' >&3; sleep 0.2; } 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null
{ printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"Na' >&3; sleep 0.2; } 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null
exec 4<>"/dev/tcp/127.0.0.1/$port"
r=$(call "$S_URL" POST AmazonSSM.GetParameters $J11 '{"Names":["plain_name"]}')
expect_contains "$r" '"Value":"top"' "still answers after malformed input, with an idle connection open"
exec 4>&-
r=$(call "$S_URL/health" GET '' '' '')
expect_contains "$r" '"status":"ok"' "health endpoint answers"
r=$(call "$S_URL/ready" GET '' '' '')
expect_contains "$r" '200|' "custom health body: status"
expect_contains "$r" '|ready' "custom health body"
kill -0 "$S_PID" 2>/dev/null; expect_rc 0 $? "sim process alive"
kill -0 "$A_PID" 2>/dev/null; expect_rc 0 $? "auth sim process alive"
finish
