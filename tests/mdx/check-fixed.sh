#!/usr/bin/env bash
# Proves `scope-lint fix` keeps MDX valid: fixes a copy of the example tree, then compiles with the official
# MDX compiler every .mdx file it produced there and every expected output of the fix test cases
# (tests/cmd/*.out). Skips (exit 0) when node is not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "node not found; skipping MDX compile check"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples/cloudflare-docs" "$work/cloudflare-docs"
binary="${SCOPE_LINT:-$root/target/release/scope-lint}"
[ -x "$binary" ] || (cd "$root" && cargo build --release --quiet)
"$binary" fix "$work/cloudflare-docs" >/dev/null || true
if "$binary" check "$work/cloudflare-docs" | grep -q "SL001"; then
  echo "fix left SL001 findings in the example tree" >&2
  exit 1
fi
targets=("$work/cloudflare-docs")
for out in "$root"/tests/cmd/*.out; do
  [ -d "$out" ] && targets+=("$out")
done
"$here/run.sh" "${targets[@]}"
