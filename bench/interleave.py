#!/usr/bin/env python3
"""Whole-command wall times of several commands on one tree, taken in turns, as medians.

    bench/interleave.py RUNS DIR NAME=COMMAND [NAME=COMMAND ...]

Each COMMAND is split on spaces; `DIR` in it is replaced by the tree. Every turn runs each command once, in
the order given (two warm-up turns are not counted), so a change in the host's speed (this VM's moves by up
to 40% from minute to minute) falls on all of them alike. Prints, for each command, the median wall time,
the quartiles and the ratio of its median to the first command's (the baseline).

A command that exits with a code above 2 (a crash, a panic) or prints "internal error" fails the whole
measurement: nothing is dropped from it.

    bench/interleave.py 60 /work/shared/corpus/cloudflare-docs-2022 \\
        "baseline=target/release/examples/baseline DIR" \\
        "start=/tmp/scope-lint-start check DIR --fail-on never" \\
        "now=target/release/scope-lint check DIR --fail-on never"
"""

import statistics
import subprocess
import sys
import time

WARMUP_TURNS = 2


def run_once(argv):
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode > 2 or b"internal error" in done.stderr:
        sys.exit(f"FAIL: {' '.join(argv)} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    return elapsed * 1000


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    runs, tree = int(sys.argv[1]), sys.argv[2]
    commands = []
    for spec in sys.argv[3:]:
        name, _, command = spec.partition("=")
        if not command:
            sys.exit(f"not NAME=COMMAND: {spec}")
        commands.append((name, command.replace("DIR", tree).split()))
    times = {name: [] for name, _ in commands}
    for turn in range(runs + WARMUP_TURNS):
        for name, argv in commands:
            elapsed = run_once(argv)
            if turn >= WARMUP_TURNS:
                times[name].append(elapsed)
    baseline = statistics.median(times[commands[0][0]])
    for name, _ in commands:
        measured = sorted(times[name])
        median = statistics.median(measured)
        first, third = measured[len(measured) // 4], measured[3 * len(measured) // 4]
        print(f"{name:12s} median {median:7.1f} ms (quartiles {first:6.1f}-{third:6.1f}) "
              f"ratio {median / baseline:.2f}")


if __name__ == "__main__":
    main()
