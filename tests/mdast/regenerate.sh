#!/usr/bin/env bash
# Regenerates the mdast dumps of the differential parse test: tests/mdast/fixtures/NAME.json from NAME.mdx,
# with tests/mdast/dump.mjs (@mdx-js/mdx + remark-gfm + remark-directive, pinned in package-lock.json).
# `.ci/run` runs it and fails when a dump changed (git diff --exit-code). Needs node and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2
fi
for page in fixtures/*.mdx; do
  node dump.mjs "$page" > "${page%.mdx}.json"
done
