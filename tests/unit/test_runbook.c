/* test_runbook.c: the runbook loader, its checks and its JSON output.
 *
 * Invalid runbooks are a table: each text marks with '@' the place the
 * error must point at (the marker is removed before loading, and its line
 * and column are computed here independently of jsonpos), and gives the
 * exact message.  Unless a case says otherwise it must yield exactly one
 * error.  Then: valid runbooks with their defaults, warnings, robustness
 * against hostile input, the JSON round trip, and every docs/examples file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "cutover/diag.h"
#include "cutover/jsonpos.h"
#include "cutover/runbook.h"
#include "cutover/strbuf.h"

#define H "{\"name\":\"x\",\"environment\":\"staging\",\"region\":\"us-east-1\",\n"
#define SM "arn:aws:states:us-east-1:123456789012:stateMachine:main"
#define EXECS "\"executions\":{\"main\":{\"state_machine_arn\":\"" SM "\"}},\n"
#define PLAN_R "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{\"title\":\"t\",\"wait\":1}]}}"
#define FLAGS "\"flags\":[{\"id\":\"f1\",\"ssm\":\"/a/f1\",\"type\":\"percent\"}," \
	"{\"id\":\"f2\",\"ssm\":\"/a/f2\",\"type\":\"enum\",\"values\":[\"A\",\"B\"]}," \
	"{\"id\":\"f3\",\"ssm\":\"/a/f3\",\"type\":\"bool\"}],\n"
#define METRIC "\"metric\":{\"namespace\":\"N\",\"name\":\"M\"}"
/* A plan whose one step is given. */
#define STEP(s) "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[" s "]}}}"

struct bad {
	const char *text;         /* '@' marks the expected position; none: line 0 */
	const char *msg;
	size_t nerrors;           /* 0 means exactly 1 */
};

static const struct bad bad_cases[] = {
	/* syntax */
	{ "@", "empty file; a runbook is a JSON object ({ \"name\": ..., \"environment\": ..., "
	  "\"region\": ... }, see docs/runbook.md)", 0 },
	{ "{\"name\":\"x\",\n  \"region\": \"us-east-1\",\n@",
	  "unexpected end of file: the object opened at line 1, column 1 is not closed", 0 },
	{ "{\"name\":\"x\" @\"environment\":1}", "expected ',' or '}' after an object member, found '\"'", 0 },
	{ "{\"a\":1@,}", "trailing comma: remove the ',' before '}'", 0 },
	{ "{@name:1}", "expected a key in double quotes, found 'name'", 0 },
	{ "{\"name\":@'x'}", "expected a value, found ''' (strings use double quotes)", 0 },
	{ "{\"a\":@True}", "expected a value, found 'True'", 0 },
	{ "{\"a\":@01}", "invalid number: JSON numbers have no leading zeros", 0 },
	{ "{\"a\":@\"abc\n}", "unterminated string: a string must end on the line it starts "
	  "(write a line break as \\n)", 0 },
	{ "{\"a\":\"x@\\q\"}", "invalid escape: backslash followed by 'q'; valid escapes are "
	  "\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", 0 },
	{ "{\"a\":1 @/* never closed }", "unterminated /* comment: no closing */ before the end of the file", 0 },
	{ "{\"a\":1} @x", "unexpected 'x' after the end of the JSON value", 0 },
	{ "{\"a\" @1}", "expected ':' after the key, found '1'", 0 },
	{ "{\"a\":\"x@\x01\"}", "control character 0x01 inside a string; write it as \\u0001", 0 },
	{ "{\"a\":\"@\\ud800\"}", "unpaired UTF-16 surrogate \\uD800", 0 },
	{ "[1 @2]", "expected ',' or ']' after an array element, found '2'", 0 },
	{ "// a comment, then\n{\"a\": /* caf\xc3\xa9 */ @x}", "expected a value, found 'x'", 0 },
	{ "{\"a\":\n  [1,\n   2,\n@", "unexpected end of file: the array opened at line 2, column 3 is not closed", 0 },
	{ "{\"a\":\"x@\\u0000\"}", "\\u0000 (NUL) is not allowed in a string", 0 },
	{ "{\"a\":@1.}", "invalid number: expected a digit after '.'", 0 },

	/* top level */
	{ "@[1]", "a runbook is a JSON object ({ \"name\": ... }), not an array", 0 },
	{ "@{\"environment\":\"s\",\"region\":\"us-east-1\"}", "missing required key \"name\"", 0 },
	{ "{\"name\":@5,\"environment\":\"s\",\"region\":\"us-east-1\"}", "\"name\" must be a string, not a number", 0 },
	{ "{\"name\":@\"a b\",\"environment\":\"s\",\"region\":\"us-east-1\"}",
	  "invalid id \"a b\": use 1 to 64 characters from A-Z a-z 0-9 _ . -", 0 },
	{ "{\"name\":\"x\",\"environment\":@\"\",\"region\":\"us-east-1\"}", "\"environment\" must not be empty", 0 },
	{ "{\"name\":\"x\",\"environment\":\"s\",\"region\":@\"useast1\"}",
	  "\"region\" must be an AWS region such as \"us-east-1\", not \"useast1\"", 0 },
	{ H "@\"gauge\":[]}", "unknown key \"gauge\"; did you mean \"gauges\"?", 0 },
	{ H "@\"zzzzzz\":1}", "unknown key \"zzzzzz\"; expected \"name\", \"environment\", \"region\", "
	  "\"audit\", \"poll_s\", \"executions\", \"phases\", \"flags\", \"gauges\" or \"rollback\"", 0 },
	{ H "@\"name\":\"y\"}", "duplicate key \"name\"; it is already set at line 1, column 2", 0 },
	{ H "\"audit\":@null}", "\"audit\" must be a string, not null", 0 },
	{ H "\"poll_s\":{\"metrics\":@0}}",
	  "\"metrics\" must be a number of seconds above 0 and at most 86400, not 0", 0 },
	{ H "\"poll_s\":{@\"metric\":5}}", "unknown key \"metric\"; did you mean \"metrics\"?", 0 },
	{ H "\"poll_s\":@[]}", "\"poll_s\" must be an object, not an array", 0 },

	{ H "@\"\\u001b[2J\\u009b\\u202e\\\"\":1}", "unknown key \"\\u001B[2J\\u009B\\u202E\\\"\"; expected \"name\", "
	  "\"environment\", \"region\", \"audit\", \"poll_s\", \"executions\", \"phases\", \"flags\", \"gauges\" or \"rollback\"", 0 },
	{ H "\"audit\":1,@\xe2\x80\xae}", "expected a key in double quotes, found character U+202E", 0 },
	{ H "@\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}",
	  "unknown key \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"; expected \"name\", "
	  "\"environment\", \"region\", \"audit\", \"poll_s\", \"executions\", \"phases\", \"flags\", \"gauges\" or \"rollback\"", 0 },

	/* executions */
	{ H "\"executions\":{\"m\":@{}}}", "missing required key \"state_machine_arn\"", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":@\"main\"}}}",
	  "\"state_machine_arn\" is not a state machine ARN: it does not start with \"arn:\"; "
	  "expected arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":@\"arn:aws:lambda:us-east-1:123456789012:function:f\"}}}",
	  "\"state_machine_arn\" is not a state machine ARN: service \"lambda\" is not \"states\"; "
	  "expected arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":@\"arn:aws:states:us-east-1:1234:stateMachine:x\"}}}",
	  "\"state_machine_arn\" is not a state machine ARN: account \"1234\" is not 12 digits; "
	  "expected arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":@\"arn:aws:states:us-east-1:123456789012:execution:x:y\"}}}",
	  "\"state_machine_arn\" is not a state machine ARN: resource type \"execution\" is not "
	  "\"stateMachine\"; expected arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":\"" SM "\",\n\"execution_arn\":"
	  "@\"arn:aws:states:us-east-1:123456789012:execution:other:run1\"}}}",
	  "\"execution_arn\" belongs to state machine \"other\", not to \"main\" of \"state_machine_arn\"", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":\"" SM "\",\n\"execution_arn\":"
	  "@\"arn:aws:states:us-east-1:123456789012:execution:main:\"}}}",
	  "\"execution_arn\" is not an execution ARN: name \"\" after \"execution\" is empty or has blanks; "
	  "expected arn:PARTITION:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME", 0 },
	{ H "\"executions\":{@\"a b\":{\"state_machine_arn\":\"" SM "\"}}}",
	  "invalid id \"a b\": use 1 to 64 characters from A-Z a-z 0-9 _ . -", 0 },
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":\"" SM "\",@\"titel\":\"M\"}}}",
	  "unknown key \"titel\"; did you mean \"title\"?", 0 },

	/* phases */
	{ H "\"phases\":[{\"id\":\"p\",\"execution\":@\"nope\",\"states\":[\"A\"],\"estimate_min\":5}]}",
	  "execution \"nope\" does not exist; \"executions\" defines none", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":@\"mian\",\"states\":[\"A\"],\"estimate_min\":5}]}",
	  "execution \"mian\" does not exist; did you mean \"main\"?", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":@0}]}",
	  "\"estimate_min\" must be an integer from 1 to 10080, not 0", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":@1.5}]}",
	  "\"estimate_min\" must be an integer from 1 to 10080, not 1.5", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":@[],\"estimate_min\":5}]}",
	  "\"states\" must not be empty", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\",@\"A\"],\"estimate_min\":5}]}",
	  "\"A\" is listed twice in \"states\"", 0 },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":5},\n"
	  "{\"id\":@\"p\",\"execution\":\"main\",\"states\":[\"B\"],\"estimate_min\":5}]}",
	  "duplicate phase id \"p\"; the first is at line 3, column 11", 0 },
	{ H EXECS PLAN_R ",\n\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":5,"
	  "\"rollback\":@\"rr\"}]}", "rollback plan \"rr\" does not exist; did you mean \"r\"?", 0 },
	{ H EXECS "\"phases\":[@{\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":5}]}",
	  "missing required key \"id\"", 0 },

	/* flags */
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":@\"precent\"}]}",
	  "\"type\" must be \"bool\", \"percent\", \"enum\" or \"string\", not \"precent\"; did you mean \"percent\"?", 0 },
	{ H "\"flags\":[@{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"enum\"}]}", "missing required key \"values\"", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"bool\",@\"step\":5}]}",
	  "\"step\" applies only to percent flags; this one is \"bool\"", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"string\",@\"values\":[\"a\"]}]}",
	  "\"values\" applies only to enum flags; this one is \"string\"", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"percent\",\"step\":@0}]}",
	  "\"step\" must be an integer from 1 to 100, not 0", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":@\"a/b c\",\"type\":\"bool\"}]}",
	  "\"ssm\" must be an SSM parameter name such as \"/app/flags/dual-write\" (A-Z a-z 0-9 _ . - /, "
	  "starting with / when it has one), not \"a/b c\"", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"bool\"},{\"id\":@\"f\",\"ssm\":\"/b\",\"type\":\"bool\"}]}",
	  "duplicate flag id \"f\"; the first is at line 2, column 10", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"bool\",\"dangerous\":@\"yes\"}]}",
	  "\"dangerous\" must be true or false, not a string", 0 },
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"enum\",\"values\":[\"A\",@\"A\"]}]}",
	  "\"A\" is listed twice in \"values\"", 0 },

	/* gauges */
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"warn\":1,@\"critcal\":2}]}",
	  "unknown key \"critcal\"; did you mean \"critical\"?", 0 },
	{ H "\"gauges\":[@{\"id\":\"g\",\"warn\":1}]}",
	  "gauge has no source; give one of \"metric\", \"expression\", \"alarm\" or \"http\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",@\"alarm\":\"a\"}]}",
	  "gauge has both \"metric\" and \"alarm\"; a gauge has one source", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"warn\":@20,\"critical\":10}]}",
	  "\"warn\" (20) must not be above \"critical\" (10) when \"direction\" is \"above\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"direction\":\"below\",\"warn\":@50,\"critical\":60}]}",
	  "\"warn\" (50) must not be below \"critical\" (60) when \"direction\" is \"below\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"direction\":@\"up\"}]}",
	  "\"direction\" must be \"above\" or \"below\", not \"up\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"alarm\":\"a\",@\"warn\":1}]}", "\"warn\" does not apply to an alarm gauge", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"http\":{\"url\":\"http://h/\"},@\"warn\":1}]}",
	  "\"warn\" does not apply to an http gauge; use \"warn_ms\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"http\":{\"url\":\"http://h/\"},\"warn_ms\":@2000,\"critical_ms\":1000}]}",
	  "\"warn_ms\" (2000) must not be above \"critical_ms\" (1000)", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"http\":{\"url\":@\"ftp://h/\"}}]}",
	  "\"url\" must be an http:// or https:// URL, not \"ftp://h/\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"http\":{\"url\":\"http://h/\",\"expect\":@99}}]}",
	  "\"expect\" must be an integer from 100 to 599, not 99", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"period_s\":@45}]}",
	  "\"period_s\" must be 1, 5, 10, 30 or a multiple of 60, not 45", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"expression\":\"Failed\",\"metrics\":{@\"Failed\":{\"namespace\":\"N\",\"name\":\"M\"}}}]}",
	  "metric name \"Failed\" must start with a lowercase letter and contain only letters, digits "
	  "and _ (CloudWatch's rule for metric-math ids)", 0 },
	{ H "\"gauges\":[@{\"id\":\"g\",\"expression\":\"a\"}]}", "missing required key \"metrics\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",@\"metrics\":{}}]}",
	  "\"metrics\" does not apply to a metric gauge; it belongs with \"expression\"", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"metric\":{\"namespace\":\"N\",\"name\":\"M\",\"stat\":@\"Averge\"}}]}",
	  "\"stat\" \"Averge\" is not a CloudWatch statistic; did you mean \"Average\"?", 0 },
	{ H "\"gauges\":[{\"id\":\"g\",\"metric\":{\"namespace\":\"N\",\"name\":\"M\",\"dimensions\":{\"D\":@1}}}]}",
	  "dimension \"D\" must be a non-empty string, not a number", 0 },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\"," METRIC ",\"trigger\":@{\"plan\":\"r\"}}]}",
	  "trigger needs \"above\" or \"below\": the value beyond which it fires", 0 },
	{ H "\"gauges\":[{\"id\":\"g\"," METRIC ",\"trigger\":{\"above\":1,\"plan\":@\"full\"}}]}",
	  "rollback plan \"full\" does not exist; \"rollback\" defines none", 0 },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\"," METRIC ",\"trigger\":{\"above\":1,@\"below\":0,\"plan\":\"r\"}}]}",
	  "trigger has both \"above\" and \"below\"; give one", 0 },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\"," METRIC ",\"trigger\":{\"above\":1,\"for\":@0,\"plan\":\"r\"}}]}",
	  "\"for\" must be an integer from 1 to 1000, not 0", 0 },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\",\"alarm\":\"a\",\"trigger\":{@\"above\":1,\"plan\":\"r\"}}]}",
	  "\"above\" does not apply to an alarm gauge's trigger, which fires while the alarm is in ALARM", 0 },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\"," METRIC ",\"trigger\":{\"above\":1,\"plan\":\"r\",\"auto\":@{}}}]}",
	  "missing required key \"countdown_s\"", 0 },

	/* rollback plans */
	{ H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{\"title\":\"t\",\"wait\":1}],@\"sequence\":[\"r\"]}}}",
	  "plan has both \"steps\" and \"sequence\"; a plan has one or the other", 0 },
	{ H "\"rollback\":{\"r\":@{\"estimate_min\":5}}}",
	  "plan needs \"steps\" (what to do) or \"sequence\" (other plans to run in order)", 0 },
	{ H "\"rollback\":{\"r\":@{\"steps\":[{\"title\":\"t\",\"wait\":1}]}}}", "missing required key \"estimate_min\"", 0 },
	{ H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":@[]}}}", "\"steps\" must not be empty", 0 },
	{ H "\"rollback\":{\"a\":{\"sequence\":[\"b\"]},\n\"b\":{\"sequence\":[@\"a\"]}}}",
	  "sequences form a cycle: \"a\" -> \"b\" -> \"a\"", 0 },
	{ H "\"rollback\":{\"a\":{\"sequence\":[@\"a\"]}}}", "sequences form a cycle: \"a\" -> \"a\"", 0 },
	{ H PLAN_R ",\n@\"rollback\":{}}", "duplicate key \"rollback\"; it is already set at line 2, column 1", 0 },
	{ H PLAN_R ",\n@\"x\":1}", "unknown key \"x\"; expected \"name\", \"environment\", \"region\", \"audit\", "
	  "\"poll_s\", \"executions\", \"phases\", \"flags\", \"gauges\" or \"rollback\"", 0 },
	{ H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{\"title\":\"t\",\"wait\":1}]},\n"
	  "\"all\":{\"sequence\":[\"r\",@\"r\"]}}}", "plan \"r\" appears twice in this sequence", 0 },
	{ H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{\"title\":\"t\",\"wait\":1}]},\n"
	  "\"all\":{\"sequence\":[\"r\",@\"s\"]}}}", "rollback plan \"s\" does not exist; \"rollback\" has \"r\" and \"all\"", 0 },
	{ H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{\"title\":\"t\",\"wait\":1}],\"verify\":[@\"\"]}}}",
	  "each entry of \"verify\" must be a non-empty string, not \"\"", 0 },

	/* steps */
	{ H STEP("@{\"title\":\"t\"}"), "step has no action; give one of \"flag\", \"sfn_start\", \"sfn_stop\", "
	  "\"exec\", \"http\", \"gauge_ok\", \"wait\" or \"manual\"", 0 },
	{ H STEP("{\"title\":\"t\",\"wait\":1,@\"manual\":\"m\"}"),
	  "step has both \"wait\" and \"manual\"; a step does one thing", 0 },
	{ H STEP("@{\"wait\":1}"), "missing required key \"title\"", 0 },
	{ H FLAGS STEP("{\"title\":\"t\",\"flag\":@\"zz\",\"value\":1}"),
	  "flag \"zz\" does not exist; \"flags\" has \"f1\", \"f2\" and \"f3\"", 0 },
	{ H FLAGS STEP("{\"title\":\"t\",\"flag\":\"f1\",\"value\":@150}"),
	  "flag \"f1\" is a percent flag; \"value\" must be an integer from 0 to 100, not 150", 0 },
	{ H FLAGS STEP("{\"title\":\"t\",\"flag\":\"f2\",\"value\":@\"C\"}"),
	  "flag \"f2\" is an enum flag; \"value\" must be \"A\" or \"B\", not \"C\"", 0 },
	{ H FLAGS STEP("{\"title\":\"t\",\"flag\":\"f3\",\"value\":@\"yes\"}"),
	  "flag \"f3\" is a bool flag; \"value\" must be true or false, not \"yes\"", 0 },
	{ H FLAGS STEP("@{\"title\":\"t\",\"flag\":\"f3\"}"), "missing required key \"value\"", 0 },
	{ H STEP("{\"title\":\"t\",\"gauge_ok\":@\"g\"}"), "gauge \"g\" does not exist; \"gauges\" defines none", 0 },
	{ H STEP("{\"title\":\"t\",\"http\":@\"localhost\"}"),
	  "\"http\" must be an http:// or https:// URL, not \"localhost\"", 0 },
	{ H STEP("{\"title\":\"t\",\"exec\":@[]}"), "\"exec\" must not be empty", 0 },
	{ H STEP("{\"title\":\"t\",\"exec\":[\"ls\",@2]}"), "each entry of \"exec\" must be a non-empty string, not a number", 0 },
	{ H STEP("{\"title\":\"t\",\"wait\":@0}"), "\"wait\" must be an integer from 1 to 86400, not 0", 0 },
	{ H STEP("{\"title\":\"t\",\"manual\":\"m\",@\"timeout_s\":5}"),
	  "\"timeout_s\" applies only to exec, http and gauge_ok steps", 0 },
	{ H STEP("{\"title\":\"t\",\"wait\":1,@\"value\":5}"), "\"value\" applies only to flag steps", 0 },
	{ H STEP("{\"title\":\"t\",\"sfn_stop\":{\"execution\":@\"arn:aws:states:us-east-1:123456789012:stateMachine:m\"}}"),
	  "\"execution\" is not an execution ARN: resource type \"stateMachine\" is not \"execution\"; "
	  "expected arn:PARTITION:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME", 0 },
	{ H STEP("{\"title\":\"t\",\"sfn_stop\":{\"execution\":@\"nope\"}}"),
	  "execution \"nope\" does not exist; \"executions\" defines none", 0 },
	{ H STEP("{\"title\":\"t\",\"sfn_start\":@{\"input\":{}}}"), "missing required key \"state_machine_arn\"", 0 },
	{ H STEP("{\"title\":\"t\",\"sfn_start\":{\"state_machine_arn\":\"" SM "\",\"wait\":@1}}"),
	  "\"wait\" must be true or false, not a number", 0 },
	{ H STEP("{\"title\":\"t\",\"sfn_start\":{\"state_machine_arn\":\"" SM "\",@\"wiat\":true}}"),
	  "unknown key \"wiat\"; did you mean \"wait\"?", 0 },

	/* several problems are all reported, in file order */
	{ H "\"flags\":[{\"id\":\"f\",\"ssm\":\"/a\",\"type\":\"bool\",@\"dangerus\":true}],\n"
	  "\"gauges\":[{\"id\":\"g\"," METRIC ",\"critcal\":2}]}",
	  "unknown key \"dangerus\"; did you mean \"dangerous\"?", 2 },
};

/* Where the '@' is: 1-based line and column in code points. */
static void marker_pos(const char *text, size_t at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void dump(const struct diag_list *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "    %d:%d: %s: %s\n", d->items[i].line, d->items[i].col,
			diag_severity_name(d->items[i].severity), d->items[i].msg);
}

static void test_invalid_table(void **state)
{
	size_t failures = 0;
	(void)state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad *bc = &bad_cases[i];
		const char *at = strchr(bc->text, '@');
		size_t len = strlen(bc->text), want_n = bc->nerrors ? bc->nerrors : 1;
		char *text = malloc(len + 1);
		struct diag_list d = DIAG_LIST_INIT;
		struct runbook *rb = (struct runbook *)1;
		enum cutover_status st;
		int line = 0, col = 0;
		const struct diag *first = NULL;

		assert_non_null(text);
		if (at) {
			memcpy(text, bc->text, (size_t)(at - bc->text));
			memcpy(text + (at - bc->text), at + 1, len - (size_t)(at - bc->text));
			marker_pos(bc->text, (size_t)(at - bc->text), &line, &col);
			len--;
		} else {
			memcpy(text, bc->text, len + 1);
		}
		st = runbook_load_buffer("t.json", text, len, &rb, &d);
		for (size_t k = 0; k < d.count && !first; k++)
			if (d.items[k].severity == DIAG_ERROR)
				first = &d.items[k];
		if ((st != CUTOVER_EPARSE && st != CUTOVER_EVALIDATE) || rb != NULL || !first ||
		    d.nerrors != want_n || first->line != line || first->col != col ||
		    strcmp(first->msg, bc->msg) != 0) {
			fprintf(stderr, "case %zu: %s\n  want %d:%d: %s (%zu error%s)\n  got status %s:\n",
				i, bc->text, line, col, bc->msg, want_n, want_n == 1 ? "" : "s",
				cutover_status_str(st));
			dump(&d);
			failures++;
		}
		runbook_destroy(rb == (struct runbook *)1 ? NULL : rb);
		diag_list_free(&d);
		free(text);
	}
	fprintf(stderr, "%zu invalid runbooks checked\n", sizeof(bad_cases) / sizeof(bad_cases[0]));
	assert_int_equal(failures, 0);
}

/* ---- valid runbooks ---------------------------------------------------- */

static const char full_runbook[] =
	"// a comment before the object\n"
	"{\n"
	"  \"name\": \"demo\", \"environment\": \"Production\", \"region\": \"us-east-1\",\n"
	"  \"poll_s\": { \"executions\": 0.5 },\n"
	"  \"executions\": {\n"
	"    \"main\": { \"state_machine_arn\": \"" SM "\" },\n"
	"    \"fixed\": { \"title\": \"Fixed\", \"state_machine_arn\": \"" SM "\",\n"
	"               \"execution_arn\": \"arn:aws:states:us-east-1:123456789012:execution:main:run-1\" }\n"
	"  },\n"
	"  \"phases\": [ { \"id\": \"db\", \"execution\": \"main\", \"states\": [\"A\", \"B\"],\n"
	"                \"estimate_min\": 45, \"rollback\": \"db\" } ],\n"
	"  \"flags\": [\n"
	"    { \"id\": \"dual\", \"ssm\": \"/x/dual\", \"type\": \"bool\", \"dangerous\": true },\n"
	"    { \"id\": \"pct\", \"ssm\": \"/x/pct\", \"type\": \"percent\" },\n"
	"    { \"id\": \"mode\", \"ssm\": \"mode\", \"type\": \"enum\", \"values\": [\"CLOUD\", \"LEGACY\"] },\n"
	"    { \"id\": \"s\", \"ssm\": \"/x/s\", \"type\": \"string\", \"description\": \"free text\" }\n"
	"  ],\n"
	"  \"gauges\": [\n"
	"    { \"id\": \"err\", \"expression\": \"100 * failed / started\", \"unit\": \"%\",\n"
	"      \"metrics\": { \"failed\": { \"namespace\": \"AWS/States\", \"name\": \"ExecutionsFailed\", \"stat\": \"Sum\" },\n"
	"                   \"started\": { \"namespace\": \"AWS/States\", \"name\": \"ExecutionsStarted\", \"stat\": \"p99.9\",\n"
	"                                \"dimensions\": { \"StateMachineArn\": \"" SM "\" } } },\n"
	"      \"warn\": 5, \"critical\": 10, \"trigger\": { \"above\": 10, \"for\": 3, \"plan\": \"full\",\n"
	"      \"auto\": { \"countdown_s\": 60 } } },\n"
	"    { \"id\": \"hit\", \"metric\": { \"namespace\": \"AWS/ElastiCache\", \"name\": \"CacheHitRate\" },\n"
	"      \"direction\": \"below\", \"warn\": 70, \"critical\": 60, \"period_s\": 300 },\n"
	"    { \"id\": \"health\", \"title\": \"/health\", \"http\": { \"url\": \"http://127.0.0.1:1/health\" },\n"
	"      \"warn_ms\": 1000, \"critical_ms\": 2000, \"trigger\": { \"for\": 2, \"plan\": \"db\" } },\n"
	"    { \"id\": \"lag\", \"alarm\": \"db-lag\", \"trigger\": { \"plan\": \"db\" } }\n"
	"  ],\n"
	"  \"rollback\": {\n"
	"    \"db\": { \"title\": \"Database\", \"estimate_min\": 10, \"steps\": [\n"
	"      { \"title\": \"a\", \"sfn_start\": { \"state_machine_arn\": \"" SM "\", \"input\": { \"k\": [1, \"v\"] } } },\n"
	"      { \"title\": \"b\", \"flag\": \"dual\", \"value\": false },\n"
	"      { \"title\": \"c\", \"flag\": \"pct\", \"value\": \"040\" },\n"
	"      { \"title\": \"d\", \"flag\": \"mode\", \"value\": \"LEGACY\" },\n"
	"      { \"title\": \"e\", \"exec\": [\"true\"] },\n"
	"      { \"title\": \"f\", \"http\": \"https://example.com/\" },\n"
	"      { \"title\": \"g\", \"gauge_ok\": \"err\" },\n"
	"      { \"title\": \"h\", \"wait\": 5 },\n"
	"      { \"title\": \"i\", \"manual\": \"do it\" },\n"
	"      { \"title\": \"j\", \"sfn_stop\": { \"execution\": \"fixed\", \"error\": \"E\" } },\n"
	"      { \"title\": \"k\", \"sfn_stop\": { \"execution\": \"main\" } } ],\n"
	"      \"verify\": [\"rows match\"] },\n"
	"    \"dns\": { \"estimate_min\": 15, \"steps\": [ { \"title\": \"m\", \"manual\": \"revert\" } ] },\n"
	"    \"app\": { \"sequence\": [\"dns\"] },\n"
	"    \"full\": { \"title\": \"All\", \"sequence\": [\"app\", \"db\"] }\n"
	"  }\n"
	"}\n";

static struct runbook *load_ok(const char *text, struct diag_list *d)
{
	struct runbook *rb = NULL;
	enum cutover_status st = runbook_load_buffer("t.json", text, strlen(text), &rb, d);

	if (st != CUTOVER_OK)
		dump(d);
	assert_int_equal(st, CUTOVER_OK);
	assert_non_null(rb);
	return rb;
}

static void test_valid_with_defaults(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb;
	const struct runbook_gauge *g;
	const struct runbook_plan *db, *full;
	(void)state;

	rb = load_ok(full_runbook, &d);
	assert_int_equal(d.count, 0);
	assert_string_equal(rb->name, "demo");
	assert_true(rb->production);
	assert_string_equal(rb->audit, "demo.audit.db");
	assert_true(rb->poll_s[RUNBOOK_SRC_EXECUTIONS] == 0.5);
	assert_true(rb->poll_s[RUNBOOK_SRC_FLAGS] == 10);
	assert_true(rb->poll_s[RUNBOOK_SRC_METRICS] == 60);
	assert_true(rb->poll_s[RUNBOOK_SRC_IDENTITY] == 300);

	assert_int_equal(rb->nexecutions, 2);
	assert_string_equal(rb->executions[0].title, "main");
	assert_null(rb->executions[0].execution_arn);
	assert_non_null(rb->executions[1].execution_arn);

	assert_int_equal(rb->nphases, 1);
	assert_string_equal(rb->phases[0].title, "db");
	assert_ptr_equal(rb->phases[0].execution, runbook_execution_find(rb, "main"));
	assert_ptr_equal(rb->phases[0].rollback, runbook_plan_find(rb, "db"));
	assert_int_equal(rb->phases[0].nstates, 2);

	assert_int_equal(rb->nflags, 4);
	assert_true(rb->flags[0].dangerous);
	assert_int_equal(rb->flags[1].step, 10);
	assert_false(rb->flags[1].dangerous);
	assert_string_equal(rb->flags[1].description, "");
	assert_int_equal(rb->flags[0].step, 0);
	assert_int_equal(rb->flags[2].nvalues, 2);

	g = runbook_gauge_find(rb, "err");
	assert_non_null(g);
	assert_int_equal(g->kind, RUNBOOK_GAUGE_EXPRESSION);
	assert_int_equal(g->period_s, 60);
	assert_int_equal(g->direction, RUNBOOK_ABOVE);
	assert_int_equal(g->nmetrics, 2);
	assert_string_equal(g->metrics[1].id, "started");
	assert_string_equal(g->metrics[1].stat, "p99.9");
	assert_int_equal(g->metrics[1].ndimensions, 1);
	assert_true(g->has_trigger && g->trigger.has_threshold && g->trigger.has_auto);
	assert_int_equal(g->trigger.for_n, 3);
	assert_int_equal(g->trigger.auto_countdown_s, 60);
	assert_ptr_equal(g->trigger.plan, runbook_plan_find(rb, "full"));
	g = runbook_gauge_find(rb, "hit");
	assert_string_equal(g->metric.stat, "Average");
	assert_string_equal(g->unit, "");
	assert_int_equal(g->direction, RUNBOOK_BELOW);
	assert_int_equal(g->period_s, 300);
	g = runbook_gauge_find(rb, "health");
	assert_int_equal(g->kind, RUNBOOK_GAUGE_HTTP);
	assert_int_equal(g->expect_status, 200);
	assert_string_equal(g->unit, "ms");
	assert_true(g->has_warn && g->warn == 1000);
	assert_false(g->trigger.has_threshold);
	g = runbook_gauge_find(rb, "lag");
	assert_int_equal(g->kind, RUNBOOK_GAUGE_ALARM);
	assert_int_equal(g->trigger.for_n, 1);

	db = runbook_plan_find(rb, "db");
	assert_int_equal(db->nsteps, 11);
	assert_string_equal(db->steps[0].sfn_start.input, "{\"k\":[1,\"v\"]}");
	assert_true(db->steps[0].sfn_start.wait);
	assert_int_equal(db->steps[0].sfn_start.timeout_s, 900);
	assert_string_equal(db->steps[1].flag.value, "false");
	assert_ptr_equal(db->steps[1].flag.flag, runbook_flag_find(rb, "dual"));
	assert_string_equal(db->steps[2].flag.value, "40");
	assert_string_equal(db->steps[3].flag.value, "LEGACY");
	assert_int_equal(db->steps[4].exec.argc, 1);
	assert_null(db->steps[4].exec.argv[1]);
	assert_int_equal(db->steps[4].exec.timeout_s, 60);
	assert_int_equal(db->steps[5].http.expect_status, 200);
	assert_int_equal(db->steps[5].http.timeout_s, 10);
	assert_ptr_equal(db->steps[6].gauge_ok.gauge, runbook_gauge_find(rb, "err"));
	assert_int_equal(db->steps[6].gauge_ok.timeout_s, 300);
	assert_int_equal(db->steps[7].wait.seconds, 5);
	assert_string_equal(db->steps[8].manual.text, "do it");
	assert_string_equal(db->steps[9].sfn_stop.execution_arn,
			    "arn:aws:states:us-east-1:123456789012:execution:main:run-1");
	assert_string_equal(db->steps[9].sfn_stop.error, "E");
	assert_null(db->steps[9].sfn_stop.cause);
	assert_ptr_equal(db->steps[10].sfn_stop.execution, runbook_execution_find(rb, "main"));
	assert_null(db->steps[10].sfn_stop.execution_arn);
	assert_int_equal(db->nverify, 1);

	/* Sequence estimates are the sums of their plans', through sequences. */
	assert_int_equal(runbook_plan_find(rb, "app")->estimate_min, 15);
	full = runbook_plan_find(rb, "full");
	assert_int_equal(full->estimate_min, 25);
	assert_int_equal(full->nsequence, 2);
	assert_ptr_equal(full->sequence[1], db);
	assert_null(full->steps);

	runbook_destroy(rb);
	diag_list_free(&d);
}

static void test_minimal_and_staging(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb;
	(void)state;

	rb = load_ok("\xEF\xBB\xBF{\"name\":\"m\",\"environment\":\"staging\",\"region\":\"eu-central-1\"}", &d);
	assert_false(rb->production);
	assert_int_equal(rb->nphases + rb->nflags + rb->ngauges + rb->nplans + rb->nexecutions, 0);
	assert_string_equal(rb->audit, "m.audit.db");
	runbook_destroy(rb);
	diag_list_free(&d);
}

struct warn_case {
	const char *text;
	const char *msg;
};

static const struct warn_case warn_cases[] = {
	{ H "\"executions\":{\"m\":{\"state_machine_arn\":@\"arn:aws:states:eu-west-1:123456789012:stateMachine:x\"}}}",
	  "this ARN is in region \"eu-west-1\" but the runbook's region is \"us-east-1\"" },
	{ H "\"gauges\":[{\"id\":\"g\",\"expression\":\"a * 2\",\"metrics\":{\"a\":{\"namespace\":\"N\",\"name\":\"M\"},"
	  "@\"b\":{\"namespace\":\"N\",\"name\":\"M\"}}}]}", "metric \"b\" is not used in \"expression\"" },
	{ H PLAN_R ",\n\"gauges\":[{\"id\":\"g\"," METRIC ",\"direction\":\"below\",\"trigger\":{@\"above\":5,\"plan\":\"r\"}}]}",
	  "trigger fires above 5 but the gauge's \"direction\" is \"below\"" },
	{ H EXECS "\"phases\":[{\"id\":\"p\",\"execution\":\"main\",\"states\":[\"A\"],\"estimate_min\":5},\n"
	  "{\"id\":\"q\",\"execution\":\"main\",\"states\":[\"B\",@\"A\"],\"estimate_min\":5}]}",
	  "state \"A\" is also in phase \"p\"; the dashboard shows it under the first" },
};

static void test_warnings(void **state)
{
	(void)state;

	for (size_t i = 0; i < sizeof(warn_cases) / sizeof(warn_cases[0]); i++) {
		const char *t = warn_cases[i].text, *at = strchr(t, '@');
		char buf[4096];
		struct diag_list d = DIAG_LIST_INIT;
		struct runbook *rb;
		int line, col;

		assert_non_null(at);
		assert_true(strlen(t) < sizeof(buf));
		snprintf(buf, sizeof(buf), "%.*s%s", (int)(at - t), t, at + 1);
		marker_pos(t, (size_t)(at - t), &line, &col);
		rb = load_ok(buf, &d);
		if (d.count != 1 || d.items[0].line != line || d.items[0].col != col) {
			fprintf(stderr, "warning case %zu: want %d:%d\n", i, line, col);
			dump(&d);
		}
		assert_int_equal(d.count, 1);
		assert_int_equal(d.nwarnings, 1);
		assert_int_equal(d.items[0].line, line);
		assert_int_equal(d.items[0].col, col);
		assert_string_equal(d.items[0].msg, warn_cases[i].msg);
		runbook_destroy(rb);
		diag_list_free(&d);
	}
}

/* ---- robustness ------------------------------------------------------- */

static void expect_error(const char *text, size_t len, int line, int col, const char *msg)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb = NULL;
	enum cutover_status st = runbook_load_buffer("t.json", text, len, &rb, &d);

	if (d.nerrors != 1 || d.items[0].line != line || d.items[0].col != col ||
	    strcmp(d.items[0].msg, msg) != 0)
		dump(&d);
	assert_true(st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE);
	assert_null(rb);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.items[0].line, line);
	assert_int_equal(d.items[0].col, col);
	assert_string_equal(d.items[0].msg, msg);
	diag_list_free(&d);
}

static void test_huge_string(void **state)
{
	size_t n = 10u * 1024u * 1024u;
	const char *head = "{\"name\":\"x\",\"environment\":\"";
	char *t = malloc(n + 100);
	size_t hl = strlen(head);
	(void)state;

	assert_non_null(t);
	memcpy(t, head, hl);
	memset(t + hl, 'a', n);
	memcpy(t + hl + n, "\"}", 2);
	expect_error(t, hl + n + 2, 1, 27, "string longer than 65536 bytes; shorten it (the limit keeps "
		     "hostile input from exhausting memory)");
	free(t);
}

static void test_nul_bytes(void **state)
{
	static const char in_string[] = "{\"name\":\"a\0b\"}";
	static const char outside[] = "{\"name\":\"a\"\0}";
	static const char only_nul[] = "\0\0\0";
	(void)state;

	expect_error(in_string, sizeof(in_string) - 1, 1, 11, "NUL byte inside a string; the file must be UTF-8 text");
	expect_error(outside, sizeof(outside) - 1, 1, 12,
		     "expected ',' or '}' after an object member, found a NUL byte");
	expect_error(only_nul, sizeof(only_nul) - 1, 1, 1, "expected a value, found a NUL byte");
}

static void test_bad_utf8(void **state)
{
	(void)state;
	/* A lone continuation byte, an overlong '/', a UTF-16 surrogate in UTF-8,
	 * a truncated sequence, and a stray byte outside any string. */
	expect_error("{\"name\":\"a\x80\"}", 13, 1, 11, "invalid UTF-8 (byte 0x80) inside a string; save the file as UTF-8");
	expect_error("{\"name\":\"\xC0\xAF\"}", 13, 1, 10, "invalid UTF-8 (byte 0xC0) inside a string; save the file as UTF-8");
	expect_error("{\"name\":\"\xED\xA0\x80\"}", 14, 1, 10, "invalid UTF-8 (byte 0xED) inside a string; save the file as UTF-8");
	expect_error("{\"n\xC3\xA9\xE2\x82\"}", 9, 1, 5, "invalid UTF-8 (byte 0xE2) inside a string; save the file as UTF-8");
	expect_error("{\"a\":1,\xFF}", 9, 1, 8, "expected a key in double quotes, found invalid UTF-8 (byte 0xFF)");
	/* Valid multi-byte text counts as one column per character. */
	expect_error("{\"caf\xC3\xA9\":1, \"\xE2\x82\xAC\":2 x}", 23, 1, 18,
		     "expected ',' or '}' after an object member, found 'x'");
}

static void test_deep_nesting(void **state)
{
	size_t n = 200000;
	char *t = malloc(n);
	(void)state;

	assert_non_null(t);
	memset(t, '[', n);
	expect_error(t, n, 1, 33, "nested too deeply: more than 32 levels of objects and arrays");
	for (size_t i = 0; i < n; i += 2)
		memcpy(t + i, "{\"", 2);
	expect_error(t, n, 1, 5, "expected ':' after the key, found '{'");
	free(t);
}

static void test_too_large(void **state)
{
	size_t n = (size_t)RUNBOOK_MAX_FILE_BYTES + 1;
	char *t = calloc(1, n);
	char msg[200];
	(void)state;

	assert_non_null(t);
	snprintf(msg, sizeof(msg), "file is %zu bytes; the limit is %u bytes (a runbook is a few "
		 "kilobytes: is this the right file?)", n, RUNBOOK_MAX_FILE_BYTES);
	expect_error(t, n, 0, 0, msg);
	free(t);
}

static void test_empty_and_whitespace(void **state)
{
	static const char msg[] = "empty file; a runbook is a JSON object ({ \"name\": ..., \"environment\": "
				  "..., \"region\": ... }, see docs/runbook.md)";
	(void)state;

	expect_error("", 0, 1, 1, msg);
	expect_error(" \n\t\r\n", 5, 1, 1, msg);
	expect_error("// only a comment\n", 18, 2, 1, "expected a JSON value, found the end of the file");
}

/* Every prefix of a valid runbook is an error with a position, never a crash
 * or a success; and every one-byte corruption of it is handled. */
static void test_truncations_and_corruptions(void **state)
{
	size_t len = strlen(full_runbook);
	char *t = malloc(len + 1);
	uint32_t rnd = 12345;
	static const char junk[] = "{}[]\",:\\/*0-9e.tfn \n\x00\x80\xff";
	(void)state;

	assert_non_null(t);
	for (size_t n = 0; n < len - 1; n++) {
		struct diag_list d = DIAG_LIST_INIT;
		struct runbook *rb = NULL;
		enum cutover_status st;

		memcpy(t, full_runbook, n);
		st = runbook_load_buffer("t.json", t, n, &rb, &d);
		assert_true(st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE);
		assert_null(rb);
		assert_true(d.nerrors >= 1);
		diag_list_free(&d);
	}
	for (int k = 0; k < 3000; k++) {
		struct diag_list d = DIAG_LIST_INIT;
		struct runbook *rb = NULL;
		enum cutover_status st;

		memcpy(t, full_runbook, len);
		rnd = rnd * 1103515245u + 12345u;
		t[(rnd >> 8) % len] = junk[(rnd >> 20) % (sizeof(junk) - 1)];
		st = runbook_load_buffer("t.json", t, len, &rb, &d);
		assert_true(st == CUTOVER_OK || st == CUTOVER_EPARSE || st == CUTOVER_EVALIDATE);
		assert_true((st == CUTOVER_OK) == (rb != NULL));
		assert_true((st == CUTOVER_OK) == (d.nerrors == 0));
		for (size_t i = 0; i < d.count; i++)
			assert_true(d.items[i].msg[0] != '\0');
		runbook_destroy(rb);
		diag_list_free(&d);
	}
	free(t);
}

/* Inputs that would take minutes with a quadratic check: many phases
 * sharing states (190 000 warnings, each on a 1.4 MB line), and one object
 * with 150 000 copies of a key. */
static void test_large_inputs_stay_fast(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb;
	(void)state;

	assert_int_equal(strbuf_puts(&sb, H EXECS "\"phases\":["), CUTOVER_OK);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(strbuf_printf(&sb, "%s{\"id\":\"p%d\",\"execution\":\"main\",\"estimate_min\":1,"
					       "\"states\":[", i ? "," : "", i), CUTOVER_OK);
		for (int k = 0; k < 190; k++)
			assert_int_equal(strbuf_printf(&sb, "%s\"S%d\"", k ? "," : "", k), CUTOVER_OK);
		assert_int_equal(strbuf_puts(&sb, "]}"), CUTOVER_OK);
	}
	assert_int_equal(strbuf_puts(&sb, "]}"), CUTOVER_OK);
	rb = load_ok(sb.data, &d);
	assert_int_equal(d.nwarnings, 999 * 190);
	for (size_t i = 1; i < d.count; i++)
		assert_true(d.items[i - 1].line < d.items[i].line ||
			    (d.items[i - 1].line == d.items[i].line && d.items[i - 1].col < d.items[i].col));
	assert_string_equal(d.items[0].msg, "state \"S0\" is also in phase \"p0\"; the dashboard shows it under the first");
	runbook_destroy(rb);
	diag_list_free(&d);

	strbuf_reset(&sb);
	assert_int_equal(strbuf_puts(&sb, H "\"rollback\":{\"r\":{\"estimate_min\":5,\"steps\":[{"), CUTOVER_OK);
	for (int i = 0; i < 150000; i++)
		assert_int_equal(strbuf_puts(&sb, "\"title\":\"t\","), CUTOVER_OK);
	assert_int_equal(strbuf_puts(&sb, "\"wait\":1}]}}}"), CUTOVER_OK);
	rb = (struct runbook *)1;
	assert_int_equal(runbook_load_buffer("t.json", sb.data, sb.len, &rb, &d), CUTOVER_EVALIDATE);
	assert_null(rb);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.items[0].msg, "object has 150001 keys; the limit is 1000");
	diag_list_free(&d);
	strbuf_free(&sb);
}

static void test_diag_sort_is_stable(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	static const int pos[][2] = { { 3, 1 }, { 1, 5 }, { 0, 0 }, { 1, 5 }, { 1, 2 }, { 3, 1 }, { 2, 9 } };
	static const char *const want[] = { "2", "4", "1", "3", "6", "0", "5" };
	char buf[4096];
	FILE *f;
	(void)state;

	for (size_t i = 0; i < 7; i++)
		diag_add(&d, pos[i][0], pos[i][1], i % 2 ? DIAG_WARNING : DIAG_ERROR, "%zu", i);
	diag_list_sort(&d);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(d.items[i].msg, want[i]);
	assert_int_equal(d.nerrors, 4);
	assert_int_equal(d.nwarnings, 3);
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	diag_list_print(&d, "f.json", f);
	fclose(f);
	assert_non_null(strstr(buf, "f.json: error: 2\nf.json:1:2: error: 4\nf.json:1:5: warning: 1\n"));
	diag_list_free(&d);
	diag_list_free(NULL);
}

/* ---- output ----------------------------------------------------------- */

static void test_json_round_trip(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct runbook *rb, *rb2;
	char *a = NULL, *b = NULL;
	(void)state;

	rb = load_ok(full_runbook, &d);
	assert_int_equal(runbook_to_json(rb, &a), CUTOVER_OK);
	rb2 = load_ok(a, &d);
	assert_int_equal(d.count, 0);
	assert_int_equal(runbook_to_json(rb2, &b), CUTOVER_OK);
	assert_string_equal(a, b);
	/* Defaults are written out, references by id. */
	assert_non_null(strstr(a, "\"audit\":\t\"demo.audit.db\""));
	assert_non_null(strstr(a, "\"identity\":\t300"));
	assert_non_null(strstr(a, "\"estimate_min\":\t25"));
	assert_non_null(strstr(a, "\"value\":\t\"40\""));
	assert_non_null(strstr(a, "\"timeout_s\":\t900"));
	assert_non_null(strstr(a, "\"stat\":\t\"Average\""));
	assert_int_equal(a[strlen(a) - 1], '\n');
	free(a);
	free(b);
	runbook_destroy(rb);
	runbook_destroy(rb2);
	diag_list_free(&d);
}

static void test_load_file_errors(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct cutover_err err;
	struct runbook *rb = (struct runbook *)1;
	(void)state;

	assert_int_equal(runbook_load_file("/nonexistent/runbook.json", &rb, &d, &err), CUTOVER_ENOENT);
	assert_null(rb);
	assert_non_null(strstr(err.msg, "/nonexistent/runbook.json"));
	assert_int_equal(d.count, 0);
	assert_int_equal(runbook_load_file("/", &rb, &d, &err), CUTOVER_EIO);
	assert_non_null(strstr(err.msg, "cannot read runbook /"));
	runbook_destroy(NULL);
}

/* jsonpos on its own: offsets of keys and values, children in order. */
static void test_jsonpos_index(void **state)
{
	static const char text[] = "{ \"a\": [1, {\"b\": null}], // c\n  \"d\": \"\xC3\xA9x\" }";
	struct jsonpos ix = JSONPOS_INIT;
	struct diag_list d = DIAG_LIST_INIT;
	size_t arr, obj, dv;
	int line, col;
	(void)state;

	assert_int_equal(jsonpos_build(&ix, text, sizeof(text) - 1, NULL, &d), CUTOVER_OK);
	assert_int_equal(ix.count, 6);
	assert_int_equal(ix.nodes[0].nchildren, 2);
	arr = jsonpos_child(&ix, 0, 0);
	assert_int_equal(ix.nodes[arr].type, JSONPOS_ARRAY);
	assert_int_equal(jsonpos_key_off(&ix, arr), 2);
	assert_int_equal(jsonpos_off(&ix, arr), 7);
	obj = jsonpos_child(&ix, arr, 1);
	assert_int_equal(ix.nodes[obj].type, JSONPOS_OBJECT);
	assert_int_equal(ix.nodes[jsonpos_child(&ix, obj, 0)].type, JSONPOS_NULL);
	assert_int_equal(jsonpos_child(&ix, arr, 2), JSONPOS_NONE);
	dv = jsonpos_child(&ix, 0, 1);
	jsonpos_linecol(&ix, jsonpos_key_off(&ix, dv), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	assert_memory_equal(ix.clean + 25, "    \n", 5);   /* the comment, blanked */
	assert_int_equal(ix.nodes[dv].end - ix.nodes[dv].off, 5);
	jsonpos_linecol(&ix, JSONPOS_NONE, &line, &col);
	assert_int_equal(line, 0);
	jsonpos_free(&ix);
	jsonpos_free(NULL);
	diag_list_free(&d);
}

/* Every runbook in docs/examples/ is valid (with no warnings either). */
static void test_examples_valid(void **state)
{
	const char *dir = SRCDIR "/docs/examples";
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	(void)state;

	if (!dh) {
		fprintf(stderr, "0 example runbooks in %s (none yet)\n", dir);
		return;
	}
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[4096];
		struct diag_list d = DIAG_LIST_INIT;
		struct cutover_err err;
		struct runbook *rb = NULL;
		enum cutover_status st;

		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		/* Sim scenarios live next to the runbooks; they are not runbooks. */
		if (strstr(de->d_name, "scenario") || strstr(de->d_name, ".sim.json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		st = runbook_load_file(path, &rb, &d, &err);
		if (st != CUTOVER_OK || d.count) {
			fprintf(stderr, "%s: %s\n", path, cutover_status_str(st));
			dump(&d);
		}
		assert_int_equal(st, CUTOVER_OK);
		assert_int_equal(d.nwarnings, 0);
		runbook_destroy(rb);
		diag_list_free(&d);
		n++;
	}
	closedir(dh);
	fprintf(stderr, "%zu example runbooks in %s are valid\n", n, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_table),
		cmocka_unit_test(test_valid_with_defaults),
		cmocka_unit_test(test_minimal_and_staging),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_huge_string),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_empty_and_whitespace),
		cmocka_unit_test(test_truncations_and_corruptions),
		cmocka_unit_test(test_large_inputs_stay_fast),
		cmocka_unit_test(test_diag_sort_is_stable),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_jsonpos_index),
		cmocka_unit_test(test_examples_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
