"""Feedback on one-mistake submissions: the whole mutation corpus graded by the real grader.

Every listed classic mistake (``tests/mutations/<assignment>.py``) and a fixed spread of the
generic operators' mutants (``tests/mutations/operators.py``) is typed into the instructor's
solution and graded through the sandbox and the probes, ``--workers`` at a time. Each graded
mutant is classed ``named`` (the feedback names the cause), ``generic`` (it says what differs and
where), ``misleading`` (it names another cause) or ``undetected`` (full marks).

    .venv/bin/python benchmarks/mutation_feedback.py --workers 2 --generated 4

Targets: no undetected mutant but the proven-equivalent ones (``EQUIVALENT``), no misleading
one, and at least 80% of the listed classic mistakes named. Writes
benchmarks/results/mutation_feedback.json and .md.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.common import command, machine, machine_markdown, now, write_results  # noqa: E402
from mutations import CLASSES, assignments, expected_class, grade, mutants  # noqa: E402
from mutations.operators import EQUIVALENT, all_generated  # noqa: E402


def summarise(graded) -> dict:
    rows = {}
    for assignment in sorted({g.mutant.assignment for g in graded}):
        mine = [g for g in graded if g.mutant.assignment == assignment]
        listed = [g for g in mine if g.mutant.listed]
        generic_ops = [g for g in mine if not g.mutant.listed]
        rows[assignment] = {
            "listed": dict(Counter(g.cls for g in listed)),
            "listed_total": len(listed),
            "listed_named_percent": round(100 * sum(g.cls == "named" for g in listed) / max(len(listed), 1), 1),
            "listed_as_expected": sum(expected_class(g.mutant, g.cls) for g in listed),
            "generated": dict(Counter(g.cls for g in generic_ops)),
            "generated_total": len(generic_ops),
            "undetected_not_equivalent": [g.mutant.key for g in mine
                                          if g.cls == "undetected" and g.mutant.key not in EQUIVALENT],
            "misleading": [g.mutant.key for g in mine if g.cls == "misleading"],
        }
    return rows


def markdown(data: dict) -> str:
    lines = ["# Feedback on one-mistake submissions (mutation corpus)", "", machine_markdown(data), "",
             f"{data['mutants']} mutants graded in {data['seconds']:.0f} s with {data['workers']} workers "
             f"({data['generated_per_function']} generated per function at most).", "",
             "| assignment | listed | named | generic | misleading | undetected | % listed named | generated: named / generic / misleading / undetected |",
             "|---|---|---|---|---|---|---|---|"]
    for a, row in data["assignments"].items():
        l, g = row["listed"], row["generated"]
        lines.append(f"| {a} | {row['listed_total']} | " + " | ".join(str(l.get(c, 0)) for c in CLASSES)
                     + f" | {row['listed_named_percent']} | " + " / ".join(str(g.get(c, 0)) for c in CLASSES) + " |")
    t = data["totals"]
    lines += ["", f"Listed classic mistakes named: {t['listed_named']} of {t['listed']} ({t['listed_named_percent']}%); "
              f"misleading: {t['misleading']}; undetected and not proven equivalent: {t['undetected_not_equivalent']}.", ""]
    problems = [(k, a) for a, row in data["assignments"].items() for k in ("misleading", "undetected_not_equivalent")
                for _ in row[k]]
    if problems:
        lines += ["Mutants off target:", ""]
        for a, row in data["assignments"].items():
            for key in row["misleading"]:
                lines.append(f"- misleading: `{key}`: {data['messages'][key][:300]}")
            for key in row["undetected_not_equivalent"]:
                lines.append(f"- undetected: `{key}`")
    if data["equivalent"]:
        lines += ["", "Proven-equivalent generated mutants (full marks by right):", ""]
        lines += [f"- `{k}`: {why}" for k, why in data["equivalent"].items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generated", type=int, default=4, help="generic-operator mutants per function (0: none)")
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args()
    chosen = args.assignments or assignments()
    items = [m for a in chosen for m in mutants(a)]
    if args.generated:
        items += all_generated(chosen, args.generated)
    start = time.perf_counter()
    done = []

    def report(g):
        done.append(g)
        print(f"[{len(done)}/{len(items)}] {g.cls:10s} {g.mutant.key}", flush=True)

    graded = grade(items, workers=args.workers, progress=report)
    seconds = time.perf_counter() - start
    rows = summarise(graded)
    listed = [g for g in graded if g.mutant.listed]
    named = sum(g.cls == "named" for g in listed)
    data = {
        "command": command(), "machine": machine(), "date": now(), "workers": args.workers,
        "generated_per_function": args.generated, "mutants": len(graded), "seconds": round(seconds, 1),
        "totals": {"listed": len(listed), "listed_named": named,
                   "listed_named_percent": round(100 * named / max(len(listed), 1), 1),
                   "misleading": sum(g.cls == "misleading" for g in graded),
                   "undetected_not_equivalent": sum(len(r["undetected_not_equivalent"]) for r in rows.values())},
        "assignments": rows,
        "equivalent": {g.mutant.key: EQUIVALENT[g.mutant.key] for g in graded if g.mutant.key in EQUIVALENT},
        "messages": {g.mutant.key: " | ".join(g.messages) for g in graded},
        "classes": {g.mutant.key: g.cls for g in graded},
    }
    json_path, md_path = write_results("mutation_feedback", data, markdown(data), args.out)
    print(md_path.read_text())


if __name__ == "__main__":
    main()
