#!/bin/sh
# How many appends a concurrent writer loses while `scope-lint fix` rewrites the same page.
#
#     bench/concurrent-append.sh [RUNS] [APPENDS] [SCOPE_LINT]
#
# Each run writes a page that needs a call-out, starts a shell loop that appends APPENDS lines to it (open,
# append, close each time, as `echo >>` does), runs `scope-lint fix` on it meanwhile, and prints
# `lost/fixed:exit` for the run: how many appended lines are missing afterwards, whether the call-out was
# written, and fix's exit status (2 when it found the page changed on disk and left it alone).
# A safety measurement, not a test: the outcome depends on timing.
set -eu
RUNS=${1:-20}
APPENDS=${2:-30000}
BIN=${3:-target/debug/scope-lint}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
run=0
while [ "$run" -lt "$RUNS" ]; do
    run=$((run + 1))
    printf '# Tokens\n\n| Name | D |\n| --- | --- |\n| AI Gateway Read | x |\n\n## Log\n\n' > p.md
    ( i=0; while [ "$i" -lt "$APPENDS" ]; do i=$((i + 1)); echo "- entry $i" >> p.md; done ) &
    appender=$!
    status=0
    "$BIN" fix p.md > /dev/null 2>&1 || status=$?
    wait "$appender"
    printf '%s/%s:%s\n' "$((APPENDS - $(grep -c '^- entry' p.md)))" "$(grep -c 'NOTE' p.md)" "$status"
done
