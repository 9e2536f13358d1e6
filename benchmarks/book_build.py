"""Book build time: a cold build (every chapter executed) and cached rebuilds, total and per chapter.

Usage (the committed results came from the first line)::

    python benchmarks/book_build.py                        # the whole book, ~5-10 min on 2 cores
    python benchmarks/book_build.py --chapters book/notation --out /tmp/bb   # a quick look

The book (``_config.yml``, ``_toc.yml``, ``book/`` and the results in ``benchmarks/results/``
that the performance page plots) is copied into a temporary folder and
built there with the strict command of the course (``jupyter-book build -W -n --keep-going``),
so the shared ``_build/`` and its execution cache are never touched. Three builds, in order:

``cold``         an empty execution cache: every chapter is executed;
``cached``       the HTML and Sphinx's environment deleted, the execution cache kept: every
                 page is rebuilt, no chapter is executed (what a fresh checkout with a warm
                 cache costs);
``incremental``  nothing changed since the last build (Sphinx rereads nothing).

Per-chapter execution seconds come from the records jupyter-cache keeps (``execution_seconds``).
``--chapters`` builds a table of contents with only those files (plus the root page and the
"Reference" part).
``--device`` is recorded with the results: chapters choose their device themselves.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, command, machine, machine_markdown, now, write_results  # noqa: E402

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def copy_book(target: Path, chapters: list[str] | None) -> None:
    """The book's sources in ``target``; with ``chapters``, a table of contents of only those."""
    shutil.copy2(ROOT / "_config.yml", target / "_config.yml")
    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    if (ROOT / "benchmarks" / "results").is_dir():  # the performance page plots these files
        shutil.copytree(ROOT / "benchmarks" / "results", target / "benchmarks" / "results")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    if chapters:  # the chosen chapters, plus the reference pages (glossary, bibliography) they link to
        wanted = [c.removesuffix(".md") for c in chapters]
        reference = [{**p, "chapters": [c for c in p["chapters"] if c["file"] not in wanted]}
                     for p in toc.get("parts", []) if p.get("caption") == "Reference"]
        toc = {"format": toc["format"], "root": toc["root"],
               "parts": [{"caption": "Selected", "chapters": [{"file": c} for c in wanted]}] + reference}
    (target / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


def toc_files(folder: Path) -> list[str]:
    toc = yaml.safe_load((folder / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def build(folder: Path) -> dict:
    """One strict build; wall seconds, exit status and the warnings it printed."""
    start = time.perf_counter()
    done = subprocess.run([str(JUPYTER_BOOK), "build", str(folder), "-W", "-n", "--keep-going"],
                          cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    log = re.sub(r"\x1b\[[0-9;]*m", "", log)  # colour codes
    noise = "Kernel is running over TCP without encryption"  # printed by every kernel, harmless
    warnings = [line.strip() for line in log.splitlines()
                if ("WARNING" in line or "ERROR" in line or "timed out" in line) and noise not in line]
    return {"seconds": round(seconds, 2), "returncode": done.returncode, "warnings": warnings[:20],
            "log_tail": log[-1500:] if done.returncode else ""}


def execution_seconds(folder: Path) -> dict[str, float]:
    """Chapter -> seconds its execution took, from the jupyter-cache records of this build."""
    from jupyter_cache import get_cache

    cache = get_cache(str(folder / "_build" / ".jupyter_cache"))
    seconds = {}
    for record in cache.list_cache_records():
        chapter = Path(record.uri).resolve().relative_to(folder.resolve()).with_suffix("").as_posix()
        seconds[chapter] = round(float(record.data.get("execution_seconds", float("nan"))), 2)
    return seconds


def has_code(folder: Path, page: str) -> bool:
    path = folder / f"{page}.md"
    return path.is_file() and "{code-cell}" in path.read_text(errors="replace")


def markdown(data: dict) -> str:
    b = data["builds"]
    lines = ["# Book build time", "", machine_markdown(data), "",
             "Strict build (`jupyter-book build -W -n --keep-going`) of a temporary copy of the book; wall-clock seconds.", "",
             "| build | seconds | exit status |", "|---|---:|---:|"]
    for name in ("cold", "cached", "incremental"):
        lines.append(f"| {name} | {b[name]['seconds']:.1f} | {b[name]['returncode']} |")
    lines += ["", f"Targets: cold under 300 s on 2 cores, cached under 30 s. "
              f"Sum of chapter execution times: {data['execution_total_s']:.1f} s; "
              f"the rest of the cold build (Sphinx, reading, writing HTML): {b['cold']['seconds'] - data['execution_total_s']:.1f} s.",
              "", "| chapter | execution seconds (cold build) |", "|---|---:|"]
    for chapter, seconds in sorted(data["chapters"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {chapter} | {seconds:.1f} |")
    if data["not_executed"]:
        lines += ["", "Pages without code: " + ", ".join(data["not_executed"]) + "."]
    if data["failed"]:
        lines += ["", "Pages with code but no execution record (their execution failed in the cold build, so every "
                  "later build executes them again): " + ", ".join(data["failed"]) + "."]
    failed = [name for name in ("cold", "cached", "incremental") if b[name]["returncode"]]
    if failed:
        lines += ["", "Builds that failed the strict check: " + ", ".join(failed) + ". First warnings:", ""]
        lines += [f"- `{w[:200]}`" for w in b[failed[0]]["warnings"][:10]]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="recorded with the results (chapters choose their device)")
    parser.add_argument("--chapters", nargs="+", default=None, help="build only these toc files, e.g. book/notation")
    parser.add_argument("--keep", action="store_true", help="keep the temporary build folder and print its path")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="book-build-"))
    try:
        copy_book(folder, args.chapters)
        builds = {"cold": build(folder)}
        print(f"cold: {builds['cold']['seconds']:.1f} s (exit {builds['cold']['returncode']})", flush=True)
        chapters = execution_seconds(folder)
        for path in (folder / "_build" / "html", folder / "_build" / ".doctrees"):
            shutil.rmtree(path, ignore_errors=True)
        builds["cached"] = build(folder)
        print(f"cached: {builds['cached']['seconds']:.1f} s (exit {builds['cached']['returncode']})", flush=True)
        builds["incremental"] = build(folder)
        print(f"incremental: {builds['incremental']['seconds']:.1f} s", flush=True)
        files = toc_files(folder)
        data = {"benchmark": "book_build", "command": command(), "date": now(), "machine": machine(args.device),
                "toc_files": files, "builds": builds, "chapters": chapters,
                "not_executed": [f for f in files if f not in chapters and not has_code(folder, f)],
                "failed": [f for f in files if f not in chapters and has_code(folder, f)],
                "execution_total_s": round(sum(chapters.values()), 2)}
        print("wrote", *write_results("book_build", data, markdown(data), args.out))
    finally:
        if args.keep:
            print("build folder:", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
