"""``python -m labkit.course exercises``: regenerate exercises/ from solutions/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labkit.course.exercises import generate_all, out_of_sync


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.course")
    parser.add_argument("command", choices=["exercises", "check"],
                        help="exercises: regenerate exercises/; check: report what is stale")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="the repository root (holds solutions/ and exercises/)")
    args = parser.parse_args(argv)
    solutions, exercises = args.root / "solutions", args.root / "exercises"
    if args.command == "exercises":
        for path in generate_all(solutions, exercises):
            print(f"wrote {path}")
        return 0
    problems = out_of_sync(solutions, exercises)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
