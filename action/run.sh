#!/usr/bin/env bash
# Runs `scope-lint check --format github` for the GitHub Action: annotations on stdout, the job summary and
# the `errors`/`warnings` outputs through $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT (written by scope-lint).
# On pull_request events (and CHANGED_ONLY=true), only what the pull request changed is checked:
# `--changed-since` the base commit. With SARIF_FILE, SARIF of the same check is written there too.
#
# Inputs arrive as environment variables (never interpolated into this script):
# INPUT_PATH (whitespace-separated paths), INPUT_CONFIG, INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_ARGS
# (whitespace-separated extra arguments), INPUT_CHANGED_ONLY; EVENT_NAME and BASE_SHA from the event.
set -euo pipefail

read -r -a paths <<<"${INPUT_PATH:-.}"
read -r -a extra <<<"${INPUT_ARGS:-}"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi

options=(--fail-on "${INPUT_FAIL_ON:-error}")
if [ -n "${INPUT_CONFIG:-}" ]; then
  options+=(--config "$INPUT_CONFIG")
fi

case "${EVENT_NAME:-}" in
  pull_request | pull_request_target)
    if [ "${INPUT_CHANGED_ONLY:-true}" = true ] && [ -n "${BASE_SHA:-}" ]; then
      if ! git cat-file -e "$BASE_SHA^{commit}" 2>/dev/null; then
        # A shallow checkout: fetch the base commit so that git can find the merge base.
        git fetch --no-tags --quiet origin "$BASE_SHA" || true
      fi
      options+=(--changed-since "$BASE_SHA")
    fi
    ;;
esac

if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  sarif_status=0
  # GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are untouched by --format sarif; the check below writes them.
  scope-lint check --format sarif "${options[@]}" ${extra[@]+"${extra[@]}"} -- "${paths[@]}" >"$INPUT_SARIF_FILE" ||
    sarif_status=$?
  if [ "$sarif_status" -ge 2 ]; then
    exit "$sarif_status"
  fi
fi

status=0
scope-lint check --format github "${options[@]}" ${extra[@]+"${extra[@]}"} -- "${paths[@]}" || status=$?
exit "$status"
