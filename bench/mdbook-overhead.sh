#!/usr/bin/env bash
# What the scope-lint mdBook preprocessor adds to `mdbook build` of a 500-chapter book.
#
#   bench/mdbook-overhead.sh [BOOK_DIR]     # default: target/bench-book
#
# Generates the book with `bench/make-tree.py --book` (500 chapters of Markdown sampled from the real
# Cloudflare docs when /work/shared/corpus is there, synthetic otherwise; GFM `> [!NOTE]` alerts,
# `{{#include}}`d partials, permission tables and lists with AI Gateway rows), then times with hyperfine
#   plain:      mdbook build, no preprocessor
#   scope-lint: mdbook build with [preprocessor.scope-lint] (mode "check", fail-on "never")
# on the same src/, and prints the ratios; it also times the preprocessor alone on the JSON mdBook sends it.
# Needs mdbook 0.5.4 (installed with cargo when missing) and hyperfine (apt-get). Builds
# target/release/scope-lint unless SCOPE_LINT_BIN is set.
# Environment: CHAPTERS (500), MB (3.4, the book's size), RUNS (20 builds of each kind, taking turns in ROUNDS=5
# rounds), RESULTS (target/bench-results).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BOOK="${1:-$ROOT/target/bench-book}"
CHAPTERS="${CHAPTERS:-500}"
MB="${MB:-3.4}"
RUNS="${RUNS:-20}"
RESULTS="${RESULTS:-$ROOT/target/bench-results}"
mkdir -p "$RESULTS" "$BOOK"
BOOK="$(cd "$BOOK" && pwd)"

if ! command -v hyperfine >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi
if ! command -v mdbook >/dev/null 2>&1 || [ "$(mdbook --version 2>/dev/null)" != "mdbook v0.5.4" ]; then
  cargo install mdbook --version 0.5.4 --locked --no-default-features
fi
if [ -z "${SCOPE_LINT_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
  SCOPE_LINT_BIN="$ROOT/target/release/scope-lint"
fi

# One src/, two book.toml files: the generated one (plain) and one that adds the preprocessor.
python3 "$ROOT/bench/make-tree.py" "$BOOK" --book --pages "$CHAPTERS" --mb "$MB" --force
mkdir -p "$BOOK/plain" "$BOOK/scope-lint"
book_toml() {
  cat <<EOF
[book]
title = "Cloudflare-style docs (benchmark)"
language = "en"
src = "../src"

[build]
create-missing = false
build-dir = "book"
EOF
}
book_toml >"$BOOK/plain/book.toml"
{
  book_toml
  cat <<EOF

[preprocessor.scope-lint]
command = "$SCOPE_LINT_BIN mdbook"
before = ["links"]
mode = "check"
fail-on = "never"
EOF
} >"$BOOK/scope-lint/book.toml"

chapters=$(grep -c '^ *- \[' "$BOOK/src/SUMMARY.md")
bytes=$(find "$BOOK/src" -name '*.md' -printf '%s\n' | awk '{s += $1} END {print s}')
echo "book: $BOOK ($chapters chapters, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB of Markdown); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The preprocessor must really run: count what it reports once.
set +e
(cd "$BOOK/scope-lint" && mdbook build) >"$RESULTS/mdbook-scope-lint.log" 2>&1
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "mdbook build with the preprocessor failed (exit $status):" >&2
  tail -20 "$RESULTS/mdbook-scope-lint.log" >&2
  exit 1
fi
echo "preprocessor findings in one build: $(grep -cE '^(error|warning)\[SL' "$RESULTS/mdbook-scope-lint.log" || true) ($(grep -E '^(error|warning)\[SL' "$RESULTS/mdbook-scope-lint.log" | sed -E 's/^(error|warning)\[(SL[0-9]+)\].*/\2/' | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//'))"

# The preprocessor's own cost, from the JSON mdBook sends it (captured once through a wrapper).
mkdir -p "$BOOK/capture"
{
  echo '#!/bin/sh'
  echo "if [ \"\$1\" = supports ]; then exec $SCOPE_LINT_BIN mdbook \"\$@\"; fi"
  echo "tee '$BOOK/capture/input.json' | $SCOPE_LINT_BIN mdbook \"\$@\""
} >"$BOOK/capture/preprocessor.sh"
chmod +x "$BOOK/capture/preprocessor.sh"
sed "s|^command = .*|command = \"$BOOK/capture/preprocessor.sh\"|" "$BOOK/scope-lint/book.toml" >"$BOOK/capture/book.toml"
(cd "$BOOK/capture" && mdbook build) >/dev/null 2>&1
echo "preprocessor input: $(wc -c <"$BOOK/capture/input.json") bytes of JSON"

# Plain and with-preprocessor builds take turns: ROUNDS rounds of RUNS/ROUNDS runs each, the order swapped
# every round, so that a change in the machine's load does not land on one side only.
ROUNDS="${ROUNDS:-5}"
per_round=$(((RUNS + ROUNDS - 1) / ROUNDS))
rm -f "$RESULTS"/mdbook-round-*.json
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then first=plain second=scope-lint; else first=scope-lint second=plain; fi
  hyperfine -N --warmup 1 --runs "$per_round" --style basic --export-json "$RESULTS/mdbook-round-$round.json" \
    -n "$first" "mdbook build $BOOK/$first" \
    -n "$second" "mdbook build $BOOK/$second" | grep -E '^(Benchmark|  Time)'
done
hyperfine --warmup 2 --runs 10 --style basic --export-json "$RESULTS/mdbook-preprocessor-alone.json" \
  -n "scope-lint mdbook alone" "$SCOPE_LINT_BIN mdbook < $BOOK/capture/input.json > /dev/null" |
  grep -E '^(Benchmark|  Time)'

python3 - "$RESULTS" <<'PY'
import glob, json, os, statistics, sys
results = sys.argv[1]
runs = {"plain": {"times": [], "cpu": []}, "scope-lint": {"times": [], "cpu": []}}
for path in sorted(glob.glob(os.path.join(results, "mdbook-round-*.json"))):
    for r in json.load(open(path))["results"]:
        runs[r["command"]]["times"] += r["times"]
        runs[r["command"]]["cpu"] += [r["user"] + r["system"]] * len(r["times"])
alone = json.load(open(os.path.join(results, "mdbook-preprocessor-alone.json")))["results"][0]
plain, lint = runs["plain"], runs["scope-lint"]


def line(name, a, b):
    ratio = b / a
    print(f"  {name:<20} plain {a * 1e3:6.0f} ms   with scope-lint {b * 1e3:6.0f} ms   ratio {ratio:.3f} "
          f"(overhead {100 * (ratio - 1):+5.1f}%; target < +10%: {'met' if ratio < 1.10 else 'NOT met'})")


print(f"\n{len(plain['times'])} builds of each:")
line("mean wall", statistics.mean(plain["times"]), statistics.mean(lint["times"]))
line("median wall", statistics.median(plain["times"]), statistics.median(lint["times"]))
line("best wall", min(plain["times"]), min(lint["times"]))
line("mean CPU (user+sys)", statistics.mean(plain["cpu"]), statistics.mean(lint["cpu"]))
cpu_alone = alone["user"] + alone["system"]
print(f"  preprocessor alone on the captured JSON: {alone['mean'] * 1e3:.0f} ms mean, {alone['min'] * 1e3:.0f} ms best, "
      f"{cpu_alone * 1e3:.0f} ms CPU = {100 * alone['min'] / min(plain['times']):.0f}% of the best plain build, "
      f"{100 * cpu_alone / statistics.mean(plain['cpu']):.0f}% of its CPU")
PY
