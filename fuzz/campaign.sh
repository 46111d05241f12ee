#!/usr/bin/env bash
# One bounded fuzz campaign, the way fuzz/README.md's table of runs was made:
#   fuzz/campaign.sh TARGET [SECONDS]      (default 600)
# Seeds the target's corpus (fuzz/corpus/TARGET, git-ignored) on first use, picks its dictionary, keeps going
# after crashes, timeouts and OOMs (-fork=1 -ignore_*), and prints a summary line: target, seconds, execs,
# crash/timeout/OOM artifacts (fuzz/artifacts/TARGET/, git-ignored). One campaign at a time on a small machine.
set -euo pipefail
cd "$(dirname "$0")"
target="$1"
seconds="${2:-600}"
corpus="corpus/$target"
mkdir -p "$corpus" "artifacts/$target" logs

# Pages, prefixed with selector bytes that cover every path, call-out form, stale table and included flag.
seed_pages() {
  for page in seeds/pages/*; do
    for selector in '\x00' '\x01' '\x02' '\x05' '\x0a' '\x0f' '\x12' '\x24' '\x31' '\x82'; do
      { printf "$selector"; cat "$page"; } >"$corpus/$(basename "$page")-$(printf "$selector" | od -An -tx1 | tr -d ' ')"
    done
  done
}

dict="dict/markdown.dict"
seeds=()
case "$target" in
  parse_page) [ -n "$(ls -A "$corpus")" ] || cp seeds/pages/* "$corpus/" ;;
  check_page | fix_roundtrip | prefilter) [ -n "$(ls -A "$corpus")" ] || seed_pages ;;
  check_site) seeds=(seeds/site) ;;
  table_page)
    # Tables, policies and pages: both dictionaries (libFuzzer takes one file).
    dict="$(mktemp)"
    cat dict/toml.dict dict/markdown.dict >"$dict"
    seeds=(seeds/table_page)
    ;;
  load_table)
    dict="dict/toml.dict"
    [ -n "$(ls -A "$corpus")" ] || cp ../presets/cloudflare/*.toml "$corpus/"
    ;;
  mdbook_input) dict="dict/json.dict"; seeds=(seeds/mdbook) ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

log="logs/$target-$(date +%Y%m%dT%H%M%S).log"
before="$(ls "artifacts/$target" | wc -l)"
flags=(-dict="$dict" -max_len=8000 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds"
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
if [ -n "${FUZZ_PREBUILT:-}" ]; then
  # Binaries built once (`cargo fuzz build -O -a`) and copied to $FUZZ_PREBUILT: the campaign runs the
  # code as it was then, and edits to src/ during the campaign neither rebuild nor change it.
  "$FUZZ_PREBUILT/$target" -artifact_prefix="artifacts/$target/" "${flags[@]}" "$corpus" "${seeds[@]}" \
    >"$log" 2>&1 || true
else
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a "$target" "$corpus" "${seeds[@]}" -- "${flags[@]}" >"$log" 2>&1 || true
fi
after="$(ls "artifacts/$target" | wc -l)"
last="$(grep -E '^#[0-9]+: cov' "$log" | tail -1 || true)"
execs="$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")"
failures="$(grep -oE 'oom/timeout/crash: [0-9/]+' <<<"$last" || true)"
echo "$target ${seconds}s execs=${execs:-?} ${failures:-no stats} new-artifacts=$((after - before)) log=fuzz/$log"
