"""Feedback on one-mistake submissions: the whole mutation corpus graded by the real grader.

Every listed classic mistake (``tests/mutations/<assignment>.py``) and a fixed spread of the
generic operators' mutants (``tests/mutations/operators.py``) is typed into the instructor's
solution and graded through the sandbox and the probes, ``--workers`` at a time. Each graded
mutant is classed ``named`` (the feedback names the cause), ``generic`` (it says what differs and
where), ``misleading`` (it names another cause) or ``undetected`` (full marks).

    .venv/bin/python benchmarks/mutation_feedback.py --workers 2 --generated 4

Targets: no undetected mutant but the proven-equivalent ones (``EQUIVALENT``), no misleading
one, and at least 80% of the listed classic mistakes named. Writes
benchmarks/results/mutation_feedback.json and .md; a run with ``--assignments`` replaces only those
assignments' rows (each row keeps the date and command of the run that made it).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.common import RESULTS, command, machine, machine_markdown, now, write_results  # noqa: E402
from mutations import CLASSES, assignments, classify_messages, expected_class, grade, mutants  # noqa: E402
from mutations.operators import EQUIVALENT, all_generated  # noqa: E402


def summarise(graded, when: str, how: str) -> dict:
    """One row per assignment: the counts by class, and each mutant's class and messages."""
    rows = {}
    for assignment in sorted({g.mutant.assignment for g in graded}):
        mine = [g for g in graded if g.mutant.assignment == assignment]
        listed = [g for g in mine if g.mutant.listed]
        generic_ops = [g for g in mine if not g.mutant.listed]
        rows[assignment] = {
            "date": when, "command": how,
            "listed": dict(Counter(g.cls for g in listed)),
            "listed_total": len(listed),
            "listed_named": sum(g.cls == "named" for g in listed),
            "listed_named_percent": round(100 * sum(g.cls == "named" for g in listed) / max(len(listed), 1), 1),
            "listed_as_expected": sum(expected_class(g.mutant, g.cls) for g in listed),
            # a generated mutant has no expected cause: a message that names one is listed for review, not counted
            # as misleading (the listed mistakes are where a wrong cause is known to be wrong)
            "generated": dict(Counter(_generated_class(g.cls) for g in generic_ops)),
            "generated_total": len(generic_ops),
            "undetected_not_equivalent": [g.mutant.key for g in mine
                                          if g.cls == "undetected" and g.mutant.key not in EQUIVALENT],
            "misleading": [g.mutant.key for g in listed if g.cls == "misleading"],
            "generated_naming_a_cause": [g.mutant.key for g in generic_ops if g.cls == "misleading"],
            "equivalent": {g.mutant.key: EQUIVALENT[g.mutant.key] for g in mine if g.mutant.key in EQUIVALENT},
            "mutants": {g.mutant.key: {"class": g.cls, "expect": g.mutant.expect, "score": g.score,
                                       "max_score": g.max_score, "messages": g.messages} for g in mine},
        }
    return rows


def _generated_class(cls: str) -> str:
    return "names a cause" if cls == "misleading" else cls


GENERATED_CLASSES = ("named", "generic", "names a cause", "undetected")


def totals(rows: dict) -> dict:
    listed = sum(r["listed_total"] for r in rows.values())
    named = sum(r["listed_named"] for r in rows.values())
    return {"listed": listed, "listed_named": named, "listed_named_percent": round(100 * named / max(listed, 1), 1),
            "misleading": sum(len(r["misleading"]) for r in rows.values()),
            "undetected_not_equivalent": sum(len(r["undetected_not_equivalent"]) for r in rows.values()),
            "mutants": sum(len(r["mutants"]) for r in rows.values())}


def markdown(data: dict) -> str:
    t = data["totals"]
    lines = ["# Feedback on one-mistake submissions (mutation corpus)", "", machine_markdown(data), "",
             f"{t['mutants']} mutants in all; the last run graded {data['graded']} in {data['seconds']:.0f} s with "
             f"{data['workers']} workers ({data['generated_per_function']} generated mutants per function at most). "
             "Each assignment's row comes from the run named in its date column."
             + (f" Classes recomputed from the recorded feedback with the corpus's current expectations "
                f"(nothing regraded): {data['reclassified']}." if data.get("reclassified") else ""), "",
             "| assignment | listed | named | generic | misleading | undetected | % listed named | "
             "generated: generic / names a cause / undetected | date |",
             "|---|---|---|---|---|---|---|---|---|"]
    for a, row in sorted(data["assignments"].items()):
        l, g = row["listed"], row["generated"]
        lines.append(f"| {a} | {row['listed_total']} | " + " | ".join(str(l.get(c, 0)) for c in CLASSES)
                     + f" | {row['listed_named_percent']} | " + " / ".join(str(g.get(c, 0)) for c in GENERATED_CLASSES[1:])
                     + f" | {row['date']} |")
    lines += ["", f"Listed classic mistakes named: {t['listed_named']} of {t['listed']} ({t['listed_named_percent']}%); "
              f"misleading: {t['misleading']}; undetected and not proven equivalent: {t['undetected_not_equivalent']}."]
    off = [(kind, key, row["mutants"][key]) for row in data["assignments"].values()
           for kind in ("misleading", "undetected_not_equivalent") for key in row[kind]]
    if off:
        lines += ["", "Mutants off target:", ""]
        lines += [f"- {kind.split('_')[0]}: `{key}`: {' | '.join(m['messages'])[:400]}" for kind, key, m in off]
    equivalent = {k: v for row in data["assignments"].values() for k, v in row["equivalent"].items()}
    review = [(key, row["mutants"][key]) for row in data["assignments"].values()
              for key in row.get("generated_naming_a_cause", [])]
    if review:
        lines += ["", "Generated mutants whose feedback names a cause (no expected cause to compare with; read them):", ""]
        lines += [f"- `{key}`: {' | '.join(m['messages'])[:300]}" for key, m in review]
    if equivalent:
        lines += ["", "Proven-equivalent generated mutants (full marks by right):", ""]
        lines += [f"- `{k}`: {why}" for k, why in equivalent.items()]
    return "\n".join(lines)


def reclassify(how: str) -> None:
    """Class every recorded mutant again from its recorded messages (after a corrected expectation);
    each row says so. The feedback itself is not regraded."""
    path = RESULTS / "mutation_feedback.json"
    data = json.loads(path.read_text())
    corpus = {m.key: m for a in assignments() for m in mutants(a)}
    for a, row in data["assignments"].items():
        for key, record in row["mutants"].items():
            if key in corpus:
                record["expect"] = corpus[key].expect
                record["class"] = classify_messages(corpus[key], record["messages"]) if record["score"] < record["max_score"] \
                    else "undetected"
        listed = [(k, r) for k, r in row["mutants"].items() if k in corpus]
        row["listed"] = dict(Counter(r["class"] for _, r in listed))
        row["listed_named"] = sum(r["class"] == "named" for _, r in listed)
        row["listed_named_percent"] = round(100 * row["listed_named"] / max(len(listed), 1), 1)
        row["listed_as_expected"] = sum(expected_class(corpus[k], r["class"]) for k, r in listed)
        row["misleading"] = [k for k, r in listed if r["class"] == "misleading"]
        made = [(k, r) for k, r in row["mutants"].items() if k not in corpus]
        row["generated"] = dict(Counter(_generated_class(r["class"]) for _, r in made))
        row["generated_naming_a_cause"] = [k for k, r in made if r["class"] == "misleading"]
        row["undetected_not_equivalent"] = [k for k, r in row["mutants"].items()
                                            if r["class"] == "undetected" and k not in EQUIVALENT]
        row["equivalent"] = {k: EQUIVALENT[k] for k in row["mutants"] if k in EQUIVALENT}
        row["reclassified"] = f"{now()}: {how}"
    data["totals"] = totals(data["assignments"])
    data["reclassified"] = f"{now()}: {how}"
    write_results("mutation_feedback", data, markdown(data))
    print((RESULTS / "mutation_feedback.md").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generated", type=int, default=4, help="generic-operator mutants per function (0: none)")
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    parser.add_argument("--reclassify", action="store_true",
                        help="grade nothing: class the recorded feedback again with the corpus's current expectations")
    args = parser.parse_args()
    how = command()      # now: loading the probe files later changes sys.argv[0]
    if args.reclassify:
        reclassify(how)
        return
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
    rows = summarise(graded, now(), how)
    old = RESULTS / "mutation_feedback.json"
    if args.out is None and args.assignments and old.exists():     # a partial run updates its assignments' rows
        rows = {**json.loads(old.read_text())["assignments"], **rows}
    data = {"command": how, "machine": machine(), "date": now(), "workers": args.workers,
            "generated_per_function": args.generated, "graded": len(graded), "seconds": round(seconds, 1),
            "totals": totals(rows), "assignments": rows}
    json_path, md_path = write_results("mutation_feedback", data, markdown(data), args.out)
    print(md_path.read_text())


if __name__ == "__main__":
    main()
