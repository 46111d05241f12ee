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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "..", "target", "debug", "scope-lint"))
    parser.add_argument("--verbose", action="store_true", help="print the whole diff of each page")
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    differing = unparsable = total = 0
    for page in pages(args.dirs):
        total += 1
        node = subprocess.run(["node", os.path.join(HERE, "dump.mjs"), page], capture_output=True, text=True)
        if node.returncode != 0:
            unparsable += 1
            print(f"{page}: @mdx-js/mdx does not parse it: {node.stderr.strip()[:200]}")
            continue
        ours = subprocess.run([args.binary, "debug", "blocks", page], capture_output=True, text=True)
        if ours.returncode != 0:
            differing += 1
            print(f"{page}: scope-lint: {ours.stderr.strip()}")
            continue
        expected = lines(json.loads(node.stdout)[0]["blocks"])
        actual = lines(json.loads(ours.stdout)[0]["blocks"])
        if expected == actual:
            continue
        differing += 1
        diff = list(difflib.unified_diff(expected, actual, "mdast", "scope-lint", n=1, lineterm=""))
        shown = diff if args.verbose else diff[:8]
        print(f"{page}:")
        for line in shown:
            print(f"    {line}")
    print(f"{total} pages, {differing} differ, {unparsable} not parsed by @mdx-js/mdx")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
