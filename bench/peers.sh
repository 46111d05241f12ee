#!/usr/bin/env bash
# Whole-command timing of scope-lint against rumdl and markdownlint-cli2 on the same tree, plus peak RSS.
#
#   bench/peers.sh DIR            # DIR: e.g. a tree from bench/make-tree.py
#
# Installs what is missing: hyperfine and GNU time (apt-get), rumdl (pip), markdownlint-cli2 (npm, into
# bench/node_modules). Builds target/release/scope-lint with `cargo build --release` unless SCOPE_LINT_BIN is
# set. Peers exit non-zero on findings; exit codes are ignored (hyperfine -i).
#
# Environment: RUNS_SCOPE (default 10), RUNS_RUMDL (5), RUNS_MDL (3): timed runs per tool, after warm-up.
# Peak RSS: the largest of 3 runs for scope-lint, 1 run for each peer.
# RESULTS: where the hyperfine JSON goes (default target/bench-results). SKIP_MDL=1 / SKIP_RUMDL=1 skip a peer.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$(cd "$1" && pwd)"
RESULTS="${RESULTS:-$ROOT/target/bench-results}"
RUNS_SCOPE="${RUNS_SCOPE:-10}"
RUNS_RUMDL="${RUNS_RUMDL:-5}"
RUNS_MDL="${RUNS_MDL:-3}"
mkdir -p "$RESULTS"

# --- tools -------------------------------------------------------------------------------------------
apt_updated=
need_apt() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
    apt-get install -y -qq "$2" >/dev/null
  fi
}
need_apt hyperfine hyperfine
need_apt /usr/bin/time time
if [ -z "${SKIP_RUMDL:-}" ] && ! command -v rumdl >/dev/null 2>&1; then
  pip install --quiet rumdl
fi
MDL="$ROOT/bench/node_modules/.bin/markdownlint-cli2"
if [ -z "${SKIP_MDL:-}" ] && [ ! -x "$MDL" ]; then
  npm install --prefix "$ROOT/bench" --no-save --no-package-lock --no-audit --no-fund --silent markdownlint-cli2
fi
if [ -z "${SCOPE_LINT_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  SCOPE_LINT_BIN="$ROOT/target/release/scope-lint"
fi

# --- the tree: every file is measured; a crash or error fails the benchmark --------------------------
set +e
"$SCOPE_LINT_BIN" check "$DIR" --fail-on never >/dev/null 2>"$RESULTS/preflight.stderr"
status=$?
set -e
# A crash (a signal, exit 101, or a page's panic reported as an internal error) fails the benchmark:
# nothing is dropped from the tree. Other errors (an include cycle in the tree) are shown and measured.
if [ "$status" -gt 2 ] || grep -q "internal error" "$RESULTS/preflight.stderr"; then
  echo "FAIL: scope-lint crashed on $DIR (exit $status); nothing was measured:" >&2
  sed 's/^/  /' "$RESULTS/preflight.stderr" >&2
  exit 1
fi
if [ "$status" -eq 2 ]; then
  echo "note: scope-lint reports errors on $DIR (measured as they are):" >&2
  sed 's/^/  /' "$RESULTS/preflight.stderr" | head -5 >&2
fi

files=$(find "$DIR" -type f \( -name '*.md' -o -name '*.mdx' \) | wc -l)
bytes=$(find "$DIR" -type f \( -name '*.md' -o -name '*.mdx' \) -printf '%s\n' | awk '{s += $1} END {print s}')
echo "tree: $DIR ($files files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# What each tool says it checked (so that the comparison is on the same files).
echo "files seen:"
echo "  scope-lint:        $("$SCOPE_LINT_BIN" check "$DIR" --fail-on never | tail -1)"
if [ -z "${SKIP_RUMDL:-}" ]; then
  echo "  rumdl:             $(cd "$ROOT" && rumdl check --no-cache "$DIR" 2>&1 | grep -E '^(Issues|Success|No issues)' | tail -1 || true)"
fi
if [ -z "${SKIP_MDL:-}" ]; then
  echo "  markdownlint-cli2: $(cd "$ROOT" && "$MDL" "$DIR/**/*.{md,mdx}" 2>&1 | grep -E '^(Linting|Summary)' | tr '\n' ' ' || true)"
fi

# --- timing ------------------------------------------------------------------------------------------
cd "$ROOT"
rm -f "$RESULTS/scope-lint.json" "$RESULTS/rumdl.json" "$RESULTS/markdownlint-cli2.json"
hyperfine -i -N --warmup 2 --runs "$RUNS_SCOPE" --export-json "$RESULTS/scope-lint.json" \
  -n scope-lint "$SCOPE_LINT_BIN check $DIR --fail-on never"
if [ -z "${SKIP_RUMDL:-}" ]; then
  hyperfine -i -N --warmup 1 --runs "$RUNS_RUMDL" --export-json "$RESULTS/rumdl.json" \
    -n rumdl "rumdl check --no-cache $DIR"
fi
if [ -z "${SKIP_MDL:-}" ]; then
  hyperfine -i --warmup 1 --runs "$RUNS_MDL" --export-json "$RESULTS/markdownlint-cli2.json" \
    -n markdownlint-cli2 "$MDL '$DIR/**/*.{md,mdx}'"
fi

# --- peak memory -------------------------------------------------------------------------------------
# The largest "Maximum resident set size" of $1 runs (GNU time -o keeps it apart from the tool's output).
peak_kb() {
  local best=0 kb i runs=$1
  shift
  for i in $(seq "$runs"); do
    /usr/bin/time -v -o "$RESULTS/time-v.txt" "$@" >/dev/null 2>&1 || true
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS/time-v.txt")
    [ "${kb:-0}" -gt "$best" ] && best=$kb
  done
  echo "$best"
}
rss_scope=$(peak_kb 3 "$SCOPE_LINT_BIN" check "$DIR" --fail-on never)
rss_rumdl=""; rss_mdl=""
[ -n "${SKIP_RUMDL:-}" ] || rss_rumdl=$(peak_kb 1 rumdl check --no-cache "$DIR")
[ -n "${SKIP_MDL:-}" ] || rss_mdl=$(peak_kb 1 "$MDL" "$DIR/**/*.{md,mdx}")

# --- summary -----------------------------------------------------------------------------------------
python3 - "$RESULTS" "$rss_scope" "$rss_rumdl" "$rss_mdl" <<'PY'
import json, os, sys
results, rss = sys.argv[1], dict(zip(["scope-lint", "rumdl", "markdownlint-cli2"], sys.argv[2:5]))
targets = {"rumdl": 15, "markdownlint-cli2": 50}
rows = []
for name in ["scope-lint", "rumdl", "markdownlint-cli2"]:
    path = os.path.join(results, name + ".json")
    if os.path.exists(path):
        r = json.load(open(path))["results"][0]
        rows.append((name, r["mean"], r["stddev"] or 0.0, r["min"], len(r["times"])))
base = rows[0][1]
print()
base_min = rows[0][3]
print(f"{'tool':<18} {'mean':>10} {'± sd':>9} {'min':>10} {'runs':>5} {'mean ratio':>11} {'min ratio':>10} {'target':>8} {'peak RSS':>10}")
for name, mean, sd, low, runs in rows:
    ratio, ratio_min = mean / base, low / base_min
    target = f">={targets[name]}x" if name in targets else ""
    verdict = "" if name not in targets else (" met" if min(ratio, ratio_min) >= targets[name] else " NOT met")
    kb = rss.get(name) or ""
    mib = f"{int(kb) / 1024:.1f} MiB" if kb else ""
    print(f"{name:<18} {mean * 1e3:>8.1f}ms {sd * 1e3:>7.1f}ms {low * 1e3:>8.1f}ms {runs:>5} {ratio:>10.1f}x {ratio_min:>9.1f}x {target:>8}{verdict:<8} {mib:>10}")
kb = int(rss["scope-lint"])
print(f"\nscope-lint peak RSS {kb / 1024:.1f} MiB: target < 64 MiB {'met' if kb < 64 * 1024 else 'NOT met'}")
PY
