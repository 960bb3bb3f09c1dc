# assert.sh: tiny assertion helpers for the shell tests (sourced).
# Each failure is printed with its description; `finish` exits non-zero if any failed.
_fails=0
_checks=0
_fail() { _fails=$((_fails + 1)); printf 'FAIL: %s\n' "$*" >&2; }
expect_rc() { # expected actual description
	_checks=$((_checks + 1)); [ "$1" -eq "$2" ] || _fail "$3: exit $2, expected $1"; }
expect_contains() { # haystack needle description
	_checks=$((_checks + 1))
	case "$1" in *"$2"*) ;; *) _fail "$3: '$2' not in output:
$1" ;; esac; }
expect_not_contains() {
	_checks=$((_checks + 1))
	case "$1" in *"$2"*) _fail "$3: '$2' unexpectedly in output:
$1" ;; *) ;; esac; }
expect_match() { # text regex description
	_checks=$((_checks + 1)); [[ "$1" =~ $2 ]] || _fail "$3: '$1' !~ /$2/"; }
finish() {
	if [ $_fails -ne 0 ]; then echo "$_fails of $_checks checks failed" >&2; exit 1; fi
	echo "all $_checks checks passed"; exit 0; }
