#!/usr/bin/env python3
"""Compares `scope-lint debug blocks` with the mdast dump (tests/mdast/dump.mjs) on every .mdx page under
the given directories, and prints the count of pages that differ and the first difference of each.

Usage: tests/mdast/compare.py [--binary PATH] [--verbose] DIR...
Not a test: a report for real trees that are not in the repository (a page that @mdx-js/mdx cannot parse is
counted apart). Exit 0 when no page differs, 1 otherwise.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def pages(dirs):
    for top in dirs:
        if os.path.isfile(top):
            yield top
            continue
        for root, subdirs, files in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if d != "node_modules")
            for name in sorted(files):
                if name.endswith(".mdx"):
                    yield os.path.join(root, name)


def lines(blocks):
    return [json.dumps(block, sort_keys=True) for block in blocks]


def dump(command, batch):
    """Runs a dump command on a batch of pages; on failure, page by page, so one bad page is named."""
    run = subprocess.run(command + batch, capture_output=True, text=True)
    if run.returncode == 0:
        return {entry["path"]: entry["blocks"] for entry in json.loads(run.stdout)}, {}
    if len(batch) == 1:
        return {}, {batch[0]: run.stderr.strip()[:300]}
    found, failed = {}, {}
    for page in batch:
        one, bad = dump(command, [page])
        found.update(one)
        failed.update(bad)
    return found, failed


def mdast_dump(batch):
    """The mdast dump of a batch of pages, and @mdx-js/mdx's message for each page it cannot parse."""
    run = subprocess.run(
        ["node", os.path.join(HERE, "dump.mjs"), "--keep-going"] + batch, capture_output=True, text=True
    )
    if run.returncode != 0:
        sys.exit(f"dump.mjs: {run.stderr.strip()}")
    entries = json.loads(run.stdout)
    found = {entry["path"]: entry["blocks"] for entry in entries if "blocks" in entry}
    failed = {entry["path"]: entry["error"] for entry in entries if "error" in entry}
    return found, failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "..", "target", "debug", "scope-lint"))
    parser.add_argument("--verbose", action="store_true", help="print the whole diff of each page")
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    all_pages = list(pages(args.dirs))
    differing = 0
    unparsable = {}
    for offset in range(0, len(all_pages), 200):
        batch = all_pages[offset : offset + 200]
        mdast, not_parsed = mdast_dump(batch)
        unparsable.update(not_parsed)
        ours, our_errors = dump([args.binary, "debug", "blocks"], [page for page in batch if page in mdast])
        for page in batch:
            if page in not_parsed:
                print(f"{page}: @mdx-js/mdx does not parse it: {not_parsed[page].splitlines()[0][:300]}")
                continue
            if page in our_errors:
                differing += 1
                print(f"{page}: scope-lint: {our_errors[page]}")
                continue
            expected, actual = lines(mdast[page]), lines(ours[page])
            if expected == actual:
                continue
            differing += 1
            diff = list(difflib.unified_diff(expected, actual, "mdast", "scope-lint", n=1, lineterm=""))
            shown = diff if args.verbose else diff[:8]
            print(f"{page}:")
            for line in shown:
                print(f"    {line}")
    print(f"{len(all_pages)} pages, {differing} differ, {len(unparsable)} not parsed by @mdx-js/mdx")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
