#!/usr/bin/env bash
# Exercises the pre-commit hooks of .pre-commit-hooks.yaml with `pre-commit try-repo` (pre-commit builds
# scope-lint from this repository with cargo, as it does for users) on a temporary repository:
# scope-lint fails on a page with a finding and passes on a clean one; scope-lint-fix writes the call-out.
#
# try-repo uses the committed HEAD (--ref), so that the built hook environment is reused across the runs
# below instead of rebuilt for a new shadow commit each time; commit before running this.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
ref="$(git -C "$repo" rev-parse HEAD)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q
git config user.name test
git config user.email test@example.invalid
git config commit.gpgsign false

table='# Tokens 🔑

## Account permissions

| Name            | Description    |
| --------------- | -------------- |
| AI Gateway Read | Read gateways. |
| AI Gateway Run  | Call gateways. |
'

try() {
  pre-commit try-repo "$repo" "$1" --ref "$ref" --all-files --color never >"$work/out.txt" 2>&1
}

printf '%s' "$table" >tokens.md
git add tokens.md
if try scope-lint; then
  cat "$work/out.txt"
  echo "try-repo: the scope-lint hook passed a page that lacks its call-out" >&2
  exit 1
fi
grep -q 'error\[SL001\]' "$work/out.txt" || { cat "$work/out.txt"; echo "try-repo: no SL001 reported" >&2; exit 1; }

if try scope-lint-fix; then
  cat "$work/out.txt"
  echo "try-repo: scope-lint-fix changed a file and still passed" >&2
  exit 1
fi
grep -q '> \[!NOTE\]' tokens.md || { cat tokens.md; echo "try-repo: scope-lint-fix did not write the call-out" >&2; exit 1; }

git add tokens.md
try scope-lint || { cat "$work/out.txt"; echo "try-repo: the fixed page still fails" >&2; exit 1; }
echo "try-repo: ok (scope-lint fails then passes; scope-lint-fix writes the call-out)"
