#!/usr/bin/env bash
# What the scope-lint mdBook preprocessor adds to `mdbook build` of a 500-chapter book.
#
#   bench/mdbook-overhead.sh [BOOK_DIR]     # default: target/bench-book
#
# Generates the book with `bench/make-tree.py --book` (500 chapters of Markdown sampled from the real
# Cloudflare docs when /work/shared/corpus is there, synthetic otherwise; GFM `> [!NOTE]` alerts,
# `{{#include}}`d partials, permission tables and lists with AI Gateway rows), then builds the same src/
# three ways, taking turns:
#   plain:      mdbook build, no preprocessor
#   noop:       with a no-op preprocessor written for the benchmark (bench/noop_preprocessor.rs: reads the
#               request with scope-lint's pipe pacing and echoes the book): the protocol's own cost
#               (mdBook writes the book into a pipe and parses the answer), paid by any preprocessor
#   scope-lint: with [preprocessor.scope-lint] (mode "check", fail-on "never")
# and prints the ratios to plain, and scope-lint's to the no-op's (target: at most 1.05). It also times scope-lint's step inside real builds (a wrapper around the
# command) and the preprocessor alone on the JSON mdBook sends it.
#
# The HTML goes under BUILD_ROOT, by default a directory in /dev/shm (tmpfs) when there is one: on disk,
# the 500 files mdBook deletes and rewrites on every build make the file system's noise (journal, inode
# reuse) larger than the difference being measured. BUILD_ROOT=target/bench-html measures on disk.
#
# Needs hyperfine (apt-get) and mdbook 0.5.4 (MDBOOK; by default one with default features, installed
# into target/bench-tools when missing). Builds
# target/release/scope-lint unless SCOPE_LINT_BIN is set.
# Environment: CHAPTERS (500), MB (3.4, the book's size), RUNS (30 turns of one build of each kind),
# BUILD_ROOT, RESULTS (target/bench-results).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BOOK="${1:-$ROOT/target/bench-book}"
CHAPTERS="${CHAPTERS:-500}"
MB="${MB:-3.4}"
RUNS="${RUNS:-30}"
RESULTS="${RESULTS:-$ROOT/target/bench-results}"
if [ -z "${BUILD_ROOT:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BUILD_ROOT=/dev/shm/scope-lint-bench; else BUILD_ROOT="$ROOT/target/bench-html"; fi
fi
mkdir -p "$RESULTS" "$BOOK" "$BUILD_ROOT"
BOOK="$(cd "$BOOK" && pwd)"
BUILD_ROOT="$(cd "$BUILD_ROOT" && pwd)"

if ! command -v hyperfine >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi
# mdBook as users install it (`cargo install mdbook`, or a release binary): with its default features, so
# the HTML renderer builds the search index. The mdbook CI installs (--no-default-features) has no search,
# and a build without it takes half the time; MDBOOK=mdbook measures with that one.
MDBOOK="${MDBOOK:-$ROOT/target/bench-tools/bin/mdbook}"
if [ "$MDBOOK" = "$ROOT/target/bench-tools/bin/mdbook" ] && [ ! -x "$MDBOOK" ]; then
  cargo install mdbook --version 0.5.4 --locked --root "$ROOT/target/bench-tools"
fi
if [ "$("$MDBOOK" --version 2>/dev/null)" != "mdbook v0.5.4" ]; then
  echo "$MDBOOK is not mdbook 0.5.4" >&2
  exit 1
fi
if [ -z "${SCOPE_LINT_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  SCOPE_LINT_BIN="$ROOT/target/release/scope-lint"
fi
(cd "$ROOT" && cargo build --release --quiet --example noop-preprocessor)
NOOP_BIN="$ROOT/target/release/examples/noop-preprocessor"

# One src/, a book.toml per kind of build, each with its own build directory.
python3 "$ROOT/bench/make-tree.py" "$BOOK" --book --pages "$CHAPTERS" --mb "$MB" --force
book_toml() { # KIND [COMMAND [EXTRA KEY]]
  mkdir -p "$BOOK/$1"
  {
    printf '[book]\ntitle = "Cloudflare-style docs (benchmark)"\nlanguage = "en"\nsrc = "../src"\n\n'
    printf '[build]\ncreate-missing = false\nbuild-dir = "%s"\n' "$BUILD_ROOT/$1"
    if [ -n "${2:-}" ]; then
      printf '\n[preprocessor.scope-lint]\ncommand = "%s"\nbefore = ["links"]\nmode = "check"\nfail-on = "never"\n' "$2"
      if [ -n "${3:-}" ]; then printf '%s\n' "$3"; fi
    fi
  } >"$BOOK/$1/book.toml"
}
book_toml plain
book_toml noop "$NOOP_BIN"
book_toml scope-lint "$SCOPE_LINT_BIN mdbook"

chapters=$(grep -c '^ *- \[' "$BOOK/src/SUMMARY.md")
bytes=$(find "$BOOK/src" -name '*.md' -printf '%s\n' | awk '{s += $1} END {print s}')
echo "book: $BOOK ($chapters chapters, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB of Markdown); HTML in $BUILD_ROOT; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The preprocessor must really run: count what it reports once.
set +e
(cd "$BOOK/scope-lint" && "$MDBOOK" build) >"$RESULTS/mdbook-scope-lint.log" 2>&1
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "mdbook build with the preprocessor failed (exit $status):" >&2
  tail -20 "$RESULTS/mdbook-scope-lint.log" >&2
  exit 1
fi
echo "preprocessor findings in one build: $(grep -cE '^(error|warning)\[SL' "$RESULTS/mdbook-scope-lint.log" || true) ($(grep -E '^(error|warning)\[SL' "$RESULTS/mdbook-scope-lint.log" | sed -E 's/^(error|warning)\[(SL[0-9]+)\].*/\2/' | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//'))"

# scope-lint's step inside real builds: a wrapper prints its wall time (mdBook writing the request,
# scope-lint reading and checking it, writing the answer). The first build keeps the request (through tee,
# which reads the pipe eagerly, so that build is not timed).
mkdir -p "$BOOK/capture"
wrapper() { # CAPTURE: yes or no
  printf '#!/bin/sh\n'
  printf 'if [ "$1" = supports ]; then exec %s mdbook "$@"; fi\n' "$SCOPE_LINT_BIN"
  if [ "$1" = yes ]; then
    printf 'tee %s | exec %s mdbook "$@"\n' "$BOOK/capture/input.json" "$SCOPE_LINT_BIN"
  else
    printf 'start=$(date +%%s%%N)\n%s mdbook "$@"\nstatus=$?\n' "$SCOPE_LINT_BIN"
    printf 'echo "scope-lint step: $(( ($(date +%%s%%N) - start) / 1000 )) us" >&2\nexit $status\n'
  fi
}
wrapper yes >"$BOOK/capture/preprocessor.sh"
chmod +x "$BOOK/capture/preprocessor.sh"
book_toml capture "$BOOK/capture/preprocessor.sh"
(cd "$BOOK/capture" && "$MDBOOK" build) >/dev/null 2>&1
echo "preprocessor input: $(wc -c <"$BOOK/capture/input.json") bytes of JSON"
wrapper no >"$BOOK/capture/preprocessor.sh"
for _ in $(seq 10); do
  (cd "$BOOK/capture" && "$MDBOOK" build 2>&1) | sed -n 's/^scope-lint step: \([0-9]*\) us$/\1/p'
done >"$RESULTS/mdbook-step-us.txt"

# Check mode must not change the rendered book: the HTML of a plain build and of a scope-lint build are
# the same, byte for byte.
(cd "$BOOK/plain" && "$MDBOOK" build) >/dev/null 2>&1
if ls "$BUILD_ROOT/plain" | grep -q "^searchindex"; then search=on; else search=off; fi
echo "mdbook: $MDBOOK (search index $search)"
if diff -r "$BUILD_ROOT/plain" "$BUILD_ROOT/scope-lint" >/dev/null; then
  echo "rendered HTML with and without scope-lint (check mode): identical ($(find "$BUILD_ROOT/plain" -type f | wc -l) files)"
else
  echo "rendered HTML with and without scope-lint (check mode) DIFFERS:" >&2
  diff -rq "$BUILD_ROOT/plain" "$BUILD_ROOT/scope-lint" | head >&2
  exit 1
fi

# The three kinds of build take turns build by build (in a shuffled order each time), and each build is
# compared with the plain build of the same turn: on a shared machine whose speed drifts by 10-40% within
# minutes, ratios of builds made seconds apart are much steadier than ratios of separate averages.
python3 - "$BOOK" "$RESULTS" "$RUNS" "$MDBOOK" <<'PY'
import json, os, random, resource, subprocess, sys, time

book, results, runs, mdbook = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
kinds = ["plain", "noop", "scope-lint"]
random.seed(7)


def build(kind):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([mdbook, "build", os.path.join(book, kind)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


for kind in kinds:  # warm-up
    build(kind)
turns = []
for _ in range(runs):
    order = kinds[:]
    random.shuffle(order)
    turns.append({kind: build(kind) for kind in order})
json.dump(turns, open(os.path.join(results, "mdbook-turns.json"), "w"))
PY
hyperfine --warmup 2 --runs 10 --style basic --export-json "$RESULTS/mdbook-preprocessor-alone.json" \
  -n "scope-lint mdbook alone" "$SCOPE_LINT_BIN mdbook < $BOOK/capture/input.json > /dev/null" |
  grep -E '^(Benchmark|  Time)'

python3 - "$RESULTS" <<'PY'
import json, os, statistics, sys

results = sys.argv[1]
turns = json.load(open(os.path.join(results, "mdbook-turns.json")))
alone = json.load(open(os.path.join(results, "mdbook-preprocessor-alone.json")))["results"][0]
steps = [int(line) / 1e6 for line in open(os.path.join(results, "mdbook-step-us.txt")) if line.strip()]


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return f"{q[1]:.3f} (middle half {q[0]:.3f}-{q[2]:.3f})"


plain_walls = [turn["plain"][0] for turn in turns]
print(f"\n{len(turns)} turns of three builds (plain, noop, scope-lint), each build against the plain build of its turn:")
print(f"  plain build: median {statistics.median(plain_walls) * 1e3:.0f} ms "
      f"(from {min(plain_walls) * 1e3:.0f} to {max(plain_walls) * 1e3:.0f} ms)")
for kind in ("noop", "scope-lint"):
    walls = [turn[kind][0] / turn["plain"][0] for turn in turns]
    cpus = [turn[kind][1] / turn["plain"][1] for turn in turns]
    print(f"  {kind:<10} wall ratio {quartiles(walls)}   CPU ratio {quartiles(cpus)}")
to_noop = [turn["scope-lint"][0] / turn["noop"][0] for turn in turns]
median = statistics.median(to_noop)
print(f"  scope-lint / noop (same turn) wall ratio {quartiles(to_noop)}   target <= 1.05: "
      f"{'met' if median <= 1.05 else 'NOT met'}")
median_plain = statistics.median(plain_walls)
step = statistics.median(steps)
print(f"  scope-lint's step inside {len(steps)} builds: median {step * 1e3:.0f} ms (min {min(steps) * 1e3:.0f}, "
      f"max {max(steps) * 1e3:.0f}) = {100 * step / median_plain:.1f}% of the median plain build")
cpu_alone = alone["user"] + alone["system"]
print(f"  preprocessor alone on the captured JSON: {alone['mean'] * 1e3:.0f} ms mean, {alone['min'] * 1e3:.0f} ms best, "
      f"{cpu_alone * 1e3:.0f} ms CPU")
PY
