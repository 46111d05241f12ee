#!/usr/bin/env bash
# Installs scope-lint for the GitHub Action and puts it on $GITHUB_PATH.
#
# At a version tag (ACTION_REF=v1.2.3): downloads that release's binary for the runner's OS and
# architecture and verifies its SHA-256 against the release's checksum file. Otherwise (a branch, a SHA,
# or `uses: ./`): `cargo install --locked --path "$GITHUB_ACTION_PATH"` into INSTALL_ROOT, which the action
# caches; a cached binary is reused.
#
# Environment: ACTION_REF, ACTION_REPOSITORY (owner/name), GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_PATH; optional RELEASE_BASE_URL (default https://github.com/OWNER/NAME/releases/download)
# and INSTALL_ROOT (default $RUNNER_TEMP/scope-lint).
set -euo pipefail

root="${INSTALL_ROOT:-$RUNNER_TEMP/scope-lint}"
bin_dir="$root/bin"
mkdir -p "$bin_dir"

target_for_runner() {
  case "$RUNNER_OS/$RUNNER_ARCH" in
    Linux/X64) echo x86_64-unknown-linux-gnu ;;
    Linux/ARM64) echo aarch64-unknown-linux-gnu ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "scope-lint: no release binary for $RUNNER_OS/$RUNNER_ARCH" >&2; return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

install_release() {
  local tag="$1" target archive base sums expected actual
  target="$(target_for_runner)"
  if [ "$RUNNER_OS" = Windows ]; then
    archive="scope-lint-$tag-$target.zip"
  else
    archive="scope-lint-$tag-$target.tar.gz"
  fi
  base="${RELEASE_BASE_URL:-https://github.com/${ACTION_REPOSITORY:-scope-lint/scope-lint}/releases/download}/$tag"
  sums="scope-lint-$tag-sha256sums.txt"
  local download
  download="$(mktemp -d)"
  curl --proto '=https,file' --tlsv1.2 -fsSL --retry 3 -o "$download/$archive" "$base/$archive"
  curl --proto '=https,file' --tlsv1.2 -fsSL --retry 3 -o "$download/$sums" "$base/$sums"
  expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$download/$sums")"
  if [ -z "$expected" ]; then
    echo "scope-lint: $sums has no checksum for $archive" >&2
    return 1
  fi
  actual="$(sha256_of "$download/$archive")"
  if [ "$expected" != "$actual" ]; then
    echo "scope-lint: SHA-256 mismatch for $archive (expected $expected, got $actual)" >&2
    return 1
  fi
  echo "scope-lint: $archive verified (sha256 $actual)"
  if [ "$RUNNER_OS" = Windows ]; then
    unzip -o -q "$download/$archive" -d "$bin_dir"
  else
    tar -xzf "$download/$archive" -C "$bin_dir"
  fi
  rm -rf "$download"
}

install_from_source() {
  if [ -x "$bin_dir/scope-lint" ] || [ -x "$bin_dir/scope-lint.exe" ]; then
    echo "scope-lint: using the cached build in $bin_dir"
    return 0
  fi
  cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$root"
}

ref="${ACTION_REF:-}"
if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.-]+)?$ ]]; then
  install_release "$ref"
else
  install_from_source
fi
echo "$bin_dir" >>"$GITHUB_PATH"
"$bin_dir/scope-lint" --version
