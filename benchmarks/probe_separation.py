"""Do the grader's inputs tell every listed classic mistake apart, over many draws?

For each assignment and seed, the probes are drawn as for a submission and every listed mistake
is looked for in each test's calls (see ``tests/separation.py``): a mistake that no call of a
test tells apart from the right answer and from the other mistakes would be graded "look at where
it differs" instead of named, for that draw. CI checks one seed per assignment
(``tests/test_probe_separation.py``); this script checks many.

    .venv/bin/python benchmarks/probe_separation.py --seeds 20

Writes benchmarks/results/probe_separation.json and .md. Target: none found.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.common import command, machine, machine_markdown, now, write_results  # noqa: E402
from autograder.paths import assignments  # noqa: E402
from autograder.probes import spec  # noqa: E402
from separation import unseparated  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 0 .. N-1 for every assignment")
    parser.add_argument("--assignments", nargs="*", help="only these (default: every assignment with probes)")
    args = parser.parse_args()
    names = args.assignments or [a for a in assignments() if "probes" in spec(a)]
    rows, found_all = [], []
    for name in names:
        start = time.perf_counter()
        found = unseparated(name, range(args.seeds))
        seconds = time.perf_counter() - start
        rows.append({"assignment": name, "seeds": args.seeds, "unseparated": len(found), "seconds": round(seconds, 1)})
        found_all += [str(f) for f in found]
        print(f"{name}: {len(found)} unseparated over {args.seeds} seeds ({seconds:.0f} s)", flush=True)
    data = {"command": command(), "machine": machine(), "date": now(), "rows": rows, "unseparated": found_all}
    lines = ["# Do the grader's inputs tell the classic mistakes apart?", "", machine_markdown(data), "",
             "| assignment | seeds | mistakes not told apart in some draw | seconds |", "|---|---|---|---|"]
    lines += [f"| {r['assignment']} | {r['seeds']} | {r['unseparated']} | {r['seconds']} |" for r in rows]
    lines += ["", f"Not told apart: {len(found_all)}."] + [f"- {f}" for f in found_all]
    write_results("probe_separation", data, "\n".join(lines))
    return 1 if found_all else 0


if __name__ == "__main__":
    sys.exit(main())
