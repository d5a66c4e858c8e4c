#!/usr/bin/env bash
# ctest "docs_options": every verb and every long option that `capstate --help` and
# `capstate VERB [SUBVERB] --help` print appears in the man page and in the bash completion, so an
# option added without documentation fails the build's tests.
# Usage: docs_test.sh CAPSTATE MAN_PAGE COMPLETION
set -euo pipefail
capstate=$1
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$2")  # groff source with escapes undone
completion=$(cat "$3")
missing=0

# Names listed under "Subcommands:" and long options listed under "Options:" of one help text.
subcommands() { awk '/^Subcommands:/{on=1; next} /^[^ ]/{on=0} on && /^  [a-z]/{print $1}'; }
long_options() { grep -oE '^  (-[a-zA-Z],)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' || true; }

check() {  # WORD WHAT
  if ! grep -qE -- "(^|[^a-z0-9-])$1([^a-z0-9-]|$)" <<<"$man_text"; then
    echo "FAIL: $2 '$1' is not in the man page $MAN" >&2
    missing=$((missing + 1))
  fi
  if ! grep -qE -- "(^|[^a-z0-9-])$1([^a-z0-9-]|$)" <<<"$completion"; then
    echo "FAIL: $2 '$1' is not in the bash completion $COMPLETION" >&2
    missing=$((missing + 1))
  fi
}
MAN=$2
COMPLETION=$3

walk() {  # the words of a command line after "capstate"
  local help
  help=$("$capstate" "$@" --help)
  local opt sub
  for opt in $(long_options <<<"$help"); do check "$opt" "option of 'capstate $*'"; done
  for sub in $(subcommands <<<"$help"); do
    check "$sub" "verb of 'capstate $*'"
    walk "$@" "$sub"
  done
}
walk
count=$("$capstate" --help | subcommands | wc -l)
if [ "$count" -lt 12 ]; then
  echo "FAIL: capstate --help lists only $count verbs; the parser of this test is broken" >&2
  exit 1
fi
[ "$missing" -eq 0 ] || exit 1
echo "docs_options: every verb and long option is documented"
