#!/usr/bin/env bash
# Checks that MDX files still compile: tests/mdx/run.sh PATH...
# Installs the pinned dependencies on first use; skips (exit 0) without node.
set -euo pipefail

if ! command -v node >/dev/null 2>&1; then
  echo "node not found; skipping MDX compile check"
  exit 0
fi

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ ! -d "$dir/node_modules" ]; then
  # Subshell: PATH arguments stay relative to the caller's directory.
  (cd "$dir" && npm ci --no-audit --no-fund) >&2
fi

exec node "$dir/compile.mjs" "$@"
