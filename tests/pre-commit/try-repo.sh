#!/usr/bin/env bash
# Exercises the pre-commit hooks of .pre-commit-hooks.yaml with `pre-commit try-repo` (pre-commit builds
# scope-lint from this repository with cargo, as it does for users) on a temporary repository: the
# scope-lint hook reports a page's missing call-out, and the scope-lint-fix hook writes it.
#
# try-repo uses the committed HEAD (--ref HEAD): the hooks and the code as committed, so commit first.
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

printf '%s' "$table" >tokens.md
git add tokens.md
# One try-repo run for both hooks: try-repo builds the hooks' environment (cargo install) in a fresh
# temporary store on every call, so each call costs a full build.
if pre-commit try-repo "$repo" --ref "$ref" --all-files --color never >"$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  echo "try-repo: the hooks passed a page that lacks its call-out" >&2
  exit 1
fi
expect() {
  grep -qE "$1" "$work/out.txt" || { cat "$work/out.txt"; echo "try-repo: output lacks /$1/" >&2; exit 1; }
}
expect '^scope-lint\.+Failed'
expect 'error\[SL001\]: section "Account permissions" lists AI Gateway permission groups'
expect '^scope-lint fix\.+Failed'
expect 'files were modified by this hook'
expect 'fixed tokens.md: insert the AI Gateway call-out'
grep -q '> \[!NOTE\]' tokens.md || { cat tokens.md; echo "try-repo: scope-lint-fix did not write the call-out" >&2; exit 1; }
echo "try-repo: ok (scope-lint reports SL001; scope-lint-fix writes the call-out)"
