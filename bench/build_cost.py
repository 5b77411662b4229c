#!/usr/bin/env python3
"""What `prolific-sdk` costs a user to compile, at two revisions of this repository, paired.

    python3 bench/build_cost.py BASE [HEAD] [--reps N] [--release] [--features F] [--whole]

Each revision is checked out into a worktree of its own under target/build-cost/, with a
target directory of its own, and built once. Then, N times, the `prolific-sdk` crate alone
(or, with `--whole`, everything: a user's clean build, dependencies included) is cleaned and
built again at each revision, the revision that goes first alternating: a machine that slows
down slows both sides of a round alike, so the per-round ratio HEAD / BASE is what to trust.

Prints each round, then the median ratio with its quartiles.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, cwd, env=None):
    """Runs a command, failing the whole measurement on any error."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed in {cwd}:\n{done.stderr[-2000:]}")
    return done


def checkout(rev, place):
    """A fresh worktree of `rev` at `place`."""
    if place.exists():
        run(["git", "worktree", "remove", "--force", str(place)], ROOT)
        shutil.rmtree(place, ignore_errors=True)
    run(["git", "worktree", "add", "--detach", str(place), rev], ROOT)


def build(tree, target, extra):
    """Seconds to build `prolific-sdk` in `tree` with `target` as the target directory."""
    start = time.monotonic()
    run(["cargo", "build", "--locked", "-p", "prolific-sdk", "--target-dir", str(target)] + extra, tree)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("head", nargs="?", default="HEAD")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--release", action="store_true")
    parser.add_argument("--features", default=None)
    parser.add_argument("--whole", action="store_true", help="clean the dependencies too")
    options = parser.parse_args()
    extra = (["--release"] if options.release else []) + (
        ["--features", options.features] if options.features else []
    )
    work = ROOT / "target" / "build-cost"
    work.mkdir(parents=True, exist_ok=True)
    sides = {}
    for name, rev in (("base", options.base), ("head", options.head)):
        tree, target = work / name, work / f"{name}-target"
        checkout(rev, tree)
        first = build(tree, target, extra)
        print(f"{name} ({rev}): first build: {first:.1f} s")
        sides[name] = (tree, target)
    rounds = []
    for i in range(options.reps):
        order = ["base", "head"] if i % 2 == 0 else ["head", "base"]
        took = {}
        for name in order:
            tree, target = sides[name]
            if options.whole:
                shutil.rmtree(target, ignore_errors=True)
            else:
                run(["cargo", "clean", "-p", "prolific-sdk", "--target-dir", str(target)] + (
                    ["--release"] if options.release else []), tree)
            took[name] = build(tree, target, extra)
        ratio = took["head"] / took["base"]
        rounds.append(ratio)
        print(f"round {i + 1}: base {took['base']:.1f} s, head {took['head']:.1f} s, head / base {ratio:.2f}")
    q1, median, q3 = statistics.quantiles(rounds, n=4) if len(rounds) > 1 else (rounds[0],) * 3
    what = "a clean build, dependencies included" if options.whole else "the prolific-sdk crate alone"
    print(f"head / base, {what}: median {median:.2f} (quartiles {q1:.2f} to {q3:.2f}), {len(rounds)} rounds")
    for name in sides:
        run(["git", "worktree", "remove", "--force", str(sides[name][0])], ROOT)


if __name__ == "__main__":
    main()
