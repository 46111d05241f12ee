#!/usr/bin/env bash
# Validates the SARIF of a real run with the official SARIF Multitool (rule kinds Sarif and Gh): zero
# errors. The run covers fixes, a partial, and a file name with `,`, `:`, a space and CJK text.
# Usage: tests/sarif/validate.sh [SCOPE_LINT_BINARY]   (installs the multitool under target/ on first use)
set -euo pipefail
cd "$(dirname "$0")/../.."

binary="${1:-target/debug/scope-lint}"
tools="target/sarif-multitool"
version="5.7.0"

if ! command -v node >/dev/null 2>&1; then
  echo "node is required for the SARIF Multitool" >&2
  exit 2
fi
if [ ! -d "$tools/node_modules/@microsoft/sarif-multitool" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --no-save "@microsoft/sarif-multitool@$version" >&2
fi
# The package's entry point names the platform's native binary; its postinstall (chmod) may not have run.
multitool="$(cd "$tools" && node -p "require('@microsoft/sarif-multitool')")"
chmod u+x "$multitool"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R examples/cloudflare-docs "$work/site"
odd="$work/site/src/content/docs/ai-gateway/configuration/a,b:c 中文.mdx"
cp "$work/site/src/content/docs/ai-gateway/configuration/tenants.mdx" "$odd"

status=0
(cd "$work" && "$OLDPWD/$binary" check site --format sarif >"$work/run.sarif") || status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit 1 (findings), got $status" >&2
  exit 1
fi

# The run is what it should be: findings, a fix, and the odd name as a percent-encoded relative URI.
node - "$work/run.sarif" <<'JS'
const log = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const results = log.runs[0].results;
const fail = (message) => { console.error(message); process.exit(1); };
if (log.version !== '2.1.0') fail('version is not 2.1.0');
if (results.length !== 4) fail(`expected 4 results, got ${results.length}`);
if (!results.some((r) => r.fixes && r.fixes.length)) fail('no result carries a fix');
const uris = results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
const odd = 'site/src/content/docs/ai-gateway/configuration/a%2Cb%3Ac%20%E4%B8%AD%E6%96%87.mdx';
if (!uris.includes(odd)) fail(`no result at ${odd}: ${uris.join(', ')}`);
for (const r of results) {
  if (!r.partialFingerprints || !r.partialFingerprints['scopeLintFinding/v1']) fail('a result lacks its fingerprint');
}
JS

rm -f "$work/validation.sarif"
"$multitool" validate --rule-kind "Sarif;Gh" --output "$work/validation.sarif" "$work/run.sarif"
# The multitool exits 0 whatever it finds; its own SARIF output says what it found.
node - "$work/validation.sarif" <<'JS'
const log = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const results = log.runs.flatMap((run) => run.results || []);
for (const r of results) {
  console.error(`${r.level || 'warning'} ${r.ruleId}: ${JSON.stringify(r.message.arguments || r.message.text)}`);
}
const errors = results.filter((r) => (r.level || 'warning') === 'error');
if (errors.length) { console.error(`${errors.length} SARIF validation errors`); process.exit(1); }
console.log(`SARIF valid: 0 errors, ${results.length - errors.length} other notes`);
JS
