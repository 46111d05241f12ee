#!/usr/bin/env bash
# Whole-command speed and memory of `scope-lint check` against the baseline, side by side in one hyperfine
# run: `baseline` (bench/baseline.rs, `cargo build --release --example baseline`) walks the same tree on one
# thread, reads every page and parses it once with pulldown-cmark. Then peak RSS (/usr/bin/time -v) of
# `scope-lint check` on the tree and on a tree of 4 hard-linked copies of it.
#
#   bench/speed.sh DIR [RUNS]        (RUNS: hyperfine runs per command, default 10, after 3 warmups)
#
# Prints hyperfine's table, the ratio of means (scope-lint / baseline) and the peak RSS at 1x and 4x.
# A crash or an error on the tree fails the script: nothing is dropped from the measurement.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(cd "${1:?usage: bench/speed.sh DIR [RUNS]}" && pwd)
RUNS=${2:-10}
RESULTS="$ROOT/target/bench-results"
mkdir -p "$RESULTS"
if [ -z "${SCOPE_LINT_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  SCOPE_LINT_BIN="$ROOT/target/release/scope-lint"
fi
(cd "$ROOT" && cargo build --release --quiet --example baseline)
BASELINE="$ROOT/target/release/examples/baseline"

set +e
"$SCOPE_LINT_BIN" check "$DIR" --fail-on never >/dev/null 2>"$RESULTS/speed-preflight.stderr"
status=$?
set -e
# A crash (a signal, exit 101, or a page's panic reported as an internal error) fails the benchmark:
# nothing is dropped from the tree. Other errors (an include cycle in the tree) are shown and measured.
if [ "$status" -gt 2 ] || grep -q "internal error" "$RESULTS/speed-preflight.stderr"; then
  echo "FAIL: scope-lint crashed on $DIR (exit $status); nothing was measured:" >&2
  sed 's/^/  /' "$RESULTS/speed-preflight.stderr" >&2
  exit 1
fi
if [ "$status" -eq 2 ]; then
  echo "note: scope-lint reports errors on $DIR (measured as they are):" >&2
  sed 's/^/  /' "$RESULTS/speed-preflight.stderr" | head -5 >&2
fi
echo "tree: $DIR; $("$BASELINE" "$DIR"); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# Exit 2 (an error in the tree, shown above) is measured like any other run; crashes were ruled out above.
("$SCOPE_LINT_BIN" check "$DIR" --fail-on never --statistics 2>/dev/null || true) | tail -2
ignore_status=()
[ "$status" -eq 2 ] && ignore_status=(--ignore-failure)

json="$RESULTS/speed-$(basename "$DIR").json"
hyperfine --warmup 3 --runs "$RUNS" --export-json "$json" "${ignore_status[@]}" \
  -n baseline "$BASELINE $DIR" \
  -n scope-lint "$SCOPE_LINT_BIN check $DIR --fail-on never" \
  -n scope-lint-no-prefilter "$SCOPE_LINT_BIN check $DIR --fail-on never --no-prefilter"
python3 - "$json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["baseline"]
for name in ("scope-lint", "scope-lint-no-prefilter"):
    r = results[name]
    print(f"{name} / baseline: mean {r['mean'] / base['mean']:.2f}x, min {r['min'] / base['min']:.2f}x")
PY

copies="$ROOT/target/bench-speed-4x"
rm -rf "$copies"
mkdir -p "$copies"
for copy in 1 2 3 4; do cp -al "$DIR" "$copies/copy$copy" 2>/dev/null || cp -a "$DIR" "$copies/copy$copy"; done
rss() {
  local most=0 kb
  for _ in 1 2 3; do
    /usr/bin/time -v -o "$RESULTS/speed-time.txt" "$SCOPE_LINT_BIN" check "$1" --fail-on never >/dev/null 2>&1 || true
    kb=$(awk '/Maximum resident set size/ {print $6}' "$RESULTS/speed-time.txt")
    [ "$kb" -gt "$most" ] && most=$kb
  done
  echo "$most"
}
one=$(rss "$DIR")
four=$(rss "$copies")
echo "peak RSS (largest of 3): 1x $((one / 1024)) MiB, 4x copies $((four / 1024)) MiB (target: under 64 MiB at both)"
rm -rf "$copies"
