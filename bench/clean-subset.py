#!/usr/bin/env python3
"""Copies the pages of a tree that the relevance prefilter skips, one page checked at a time.

    bench/clean-subset.py SCOPE_LINT SRC_DIR OUT_DIR

Runs `SCOPE_LINT check PAGE --statistics --fail-on never` on every Markdown and MDX page under SRC_DIR and
copies to OUT_DIR (same relative paths) each page it reports as skipped without a parse ("1 of 1 files
skipped"). The result is a documentation tree with nothing a rule reads: the case the prefilter is built
for, where the screen decides every page. Each page is checked on its own, so a page kept only through a
file it includes is skipped here; use it on trees without includes (`npm-docs-tree.sh` makes one).

A check that exits with a code above 2 or prints "internal error" stops the script: no page is dropped
silently.

    bench/clean-subset.py target/release/scope-lint /tmp/npmtree /tmp/cleantree
"""

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

EXTENSIONS = (".md", ".mdx", ".markdown")
SKIPPED = "1 of 1 files skipped without a parse"


def pages(root):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(EXTENSIONS) and not name.startswith("."):
                yield os.path.join(directory, name)


def skipped(binary, page):
    done = subprocess.run(
        [binary, "check", page, "--statistics", "--fail-on", "never", "--color", "never"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output = done.stdout + done.stderr
    if done.returncode > 2 or "internal error" in output:
        sys.exit(f"{page}: exit {done.returncode}\n{output}")
    return SKIPPED in output


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, source, out = sys.argv[1:]
    all_pages = list(pages(source))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        verdicts = list(pool.map(lambda page: skipped(binary, page), all_pages))
    kept = [page for page, verdict in zip(all_pages, verdicts) if verdict]
    for page in kept:
        target = os.path.join(out, os.path.relpath(page, source))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(page, target)
    print(f"{len(kept)} of {len(all_pages)} pages skipped without a parse, copied to {out}")


if __name__ == "__main__":
    main()
