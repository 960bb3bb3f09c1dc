#!/usr/bin/env bash
# The man page and the bash completion: they render, they name every
# command and every key of the key table, and `cmake --install` puts them
# where man and bash-completion look.
set -u
. "$SRCDIR/tests/lib/assert.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
man1="$SRCDIR/docs/cutover.1"
comp="$SRCDIR/completions/cutover.bash"
commands=$("$CUTOVER" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF>1 {print $1}')
expect_match "$commands" "demo" "the command list is read from --help"

if command -v man >/dev/null 2>&1; then
	page=$(MANWIDTH=100 man --warnings -l "$man1" 2>"$tmp/man.err")
	expect_rc 0 $? "man renders the page"
	expect_contains "[$(cat "$tmp/man.err")]" "[]" "man has no warnings"
else
	page=$(cat "$man1")
fi
for s in NAME SYNOPSIS DESCRIPTION COMMANDS KEYS FILES ENVIRONMENT "EXIT STATUS"; do
	expect_contains "$page" "$s" "the page has a $s section"
done
raw=$(sed 's/\\-/-/g; s/\\(md/·/g' "$man1")
for c in $commands; do
	expect_rc 0 "$(grep -Eq "^\.B[I]? \"?$c( |\"|\$)" <<<"$raw"; echo $?)" "the page describes command $c"
done
# Every action of the key table (docs/keys.md is generated from it).
while IFS='|' read -r _ keys name help _; do
	help=$(echo "$help" | sed 's/^ *//; s/ *$//; s/ (not yet available)$//')
	case "$help" in "" | "What it does" | ---*) continue ;; "Go to panel "[2-5]*) continue ;; esac
	expect_contains "$raw" "$help" "the page lists key action${name}"
done <"$SRCDIR/docs/keys.md"

# The completion completes what exists.
out=$(bash -c '. "$1"; COMP_WORDS=(cutover ""); COMP_CWORD=1; cd /nonexistent 2>/dev/null; _cutover; echo "${COMPREPLY[*]}"' _ "$comp")
for c in $commands; do
	expect_contains " $out " " $c " "completion offers command $c"
done
out=$(cd "$SRCDIR" && bash -c '. "$1"; COMP_WORDS=(cutover demo ""); COMP_CWORD=2; _cutover; echo "${COMPREPLY[*]}"' _ "$comp")
for f in "$SRCDIR"/docs/examples/*.scenario.json; do
	n=$(basename "$f" .scenario.json)
	expect_contains " $out " " $n " "completion offers example $n to demo"
done
out=$(cd "$SRCDIR" && bash -c '. "$1"; COMP_WORDS=(cutover demo x --theme ""); COMP_CWORD=4; _cutover; echo "${COMPREPLY[*]}"' _ "$comp")
expect_contains " $out " " high-contrast " "completion offers themes"

# Installed where man and bash-completion look.
cmake --install "$BUILDDIR" --prefix "$tmp/inst" >/dev/null 2>&1
expect_rc 0 $? "cmake --install"
expect_rc 0 "$([ -f "$tmp/inst/share/man/man1/cutover.1" ]; echo $?)" "man page installed"
expect_rc 0 "$([ -f "$tmp/inst/share/bash-completion/completions/cutover" ]; echo $?)" "completion installed"
finish
