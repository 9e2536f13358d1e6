"""Submissions in from a learning platform: archives named as Canvas, Moodle and nbgrader name
them are placed into the submitted layout; late, duplicate, unmappable and hostile members are
reported, never dropped silently and never extracted where they point."""
from __future__ import annotations

import csv
import re
import stat
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from autograder.collect import collect, map_member
from conftest import ROOT

A = "02_rnn_equations"


def _notebook(tag: str) -> bytes:
    return ('{"cells": [], "metadata": {"tag": "%s"}, "nbformat": 4, "nbformat_minor": 5}' % tag).encode()


def _zip(path: Path, members: dict[str, bytes], dates: dict[str, tuple] | None = None,
         links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(dates or {}).get(name, (2026, 11, 1, 12, 0, 0)))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def _placed(submitted: Path, student: str) -> str:
    return (submitted / student / A / f"{A}.ipynb").read_text()


def test_canvas_archive(tmp_path):
    archive = _zip(tmp_path / "canvas.zip", {
        f"doejane_1001_5001_{A}.ipynb": _notebook("jane"),
        f"smithbob_late_1002_5002_{A}.ipynb": _notebook("bob"),
        f"leeann_1003_5003_{A}.ipynb": _notebook("ann-old"),
        f"leeann_1003_5003_{A}-1.ipynb": _notebook("ann-new"),
        "leeann_1003_5003_notes.pdf": b"%PDF",
        "README.txt": b"not a submission",
    }, dates={f"leeann_1003_5003_{A}-1.ipynb": (2026, 11, 2, 9, 0, 0)})
    submitted = tmp_path / "submitted"
    done = collect(archive, A, submitted)
    assert {m.student for m in done.placed} == {"1001", "1002", "1003"}
    assert _placed(submitted, "1001") == _notebook("jane").decode()
    assert _placed(submitted, "1003") == _notebook("ann-new").decode()          # the newest is kept
    assert [m.student for m in done.late] == ["1002"]
    assert [(old.archive_name, new.archive_name) for old, new in done.superseded] == \
        [(f"leeann_1003_5003_{A}.ipynb", f"leeann_1003_5003_{A}-1.ipynb")]
    assert {name for name, _ in done.unmapped} == {"leeann_1003_5003_notes.pdf", "README.txt"}
    roster = {row["student"]: row for row in csv.DictReader(open(tmp_path / "roster.csv"))}
    assert roster["1001"]["name"] == "doejane" and roster["1001"]["platform"] == "canvas"
    text = done.summary()
    assert "LATE: 1002" in text and "README.txt" in text and "superseded" in text


def test_members_without_a_file_type_are_files(tmp_path):
    """Many archivers store only permissions (Python's writestr: 0o600) or nothing (Windows)."""
    archive = tmp_path / "plain.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(f"doejane_1001_5001_{A}.ipynb", _notebook("jane"))
        info = zipfile.ZipInfo(f"smithbob_1002_5002_{A}.ipynb")
        info.create_system, info.external_attr = 0, 0x20           # MS-DOS, the archive bit
        handle.writestr(info, _notebook("bob"))
    done = collect(archive, A, tmp_path / "submitted")
    assert sorted(m.student for m in done.placed) == ["1001", "1002"] and not done.unmapped


def test_moodle_archive_folders_and_flat(tmp_path):
    archive = _zip(tmp_path / "moodle.zip", {
        f"Jane Doe_701_assignsubmission_file_/{A}.ipynb": _notebook("jane"),
        f"Bob Smith_702_assignsubmission_file_{A}.ipynb": _notebook("bob"),
        "Ann Lee_703_assignsubmission_file_/answers.ipynb": _notebook("ann"),
        "Ann Lee_703_assignsubmission_onlinetext_onlinetext.html": b"<p>hi</p>",
    })
    submitted = tmp_path / "submitted"
    done = collect(archive, A, submitted)
    assert sorted(m.student for m in done.placed) == ["701", "702", "703"]
    assert _placed(submitted, "703") == _notebook("ann").decode()   # the student's only notebook, renamed
    assert [name for name, _ in done.unmapped] == ["Ann Lee_703_assignsubmission_onlinetext_onlinetext.html"]
    roster = {row["student"]: row for row in csv.DictReader(open(tmp_path / "roster.csv"))}
    assert roster["701"]["name"] == "Jane Doe" and roster["702"]["platform"] == "moodle"


def test_nbgrader_exchange_keeps_newest_by_timestamp(tmp_path):
    # The older submission has the later archive date: the exchange's own timestamp decides.
    older = f"ada+{A}+2026-11-01 10:00:00.000000 UTC+x1"
    newer = f"ada+{A}+2026-11-02 10:00:00.000000 UTC+x2"
    archive = _zip(tmp_path / "inbound.zip", {
        f"{older}/{A}.ipynb": _notebook("old"), f"{older}/timestamp.txt": b"2026-11-01 10:00:00.000000 UTC",
        f"{newer}/{A}.ipynb": _notebook("new"), f"{newer}/timestamp.txt": b"2026-11-02 10:00:00.000000 UTC",
        f"bea+{A}+2026-11-01 11:00:00 UTC/{A}.ipynb": _notebook("bea"),
    }, dates={f"{older}/{A}.ipynb": (2026, 11, 5, 0, 0, 0)})
    submitted = tmp_path / "submitted"
    done = collect(archive, A, submitted, due=datetime(2026, 11, 1, 12))
    assert [m.student for m in done.late] == ["ada"]                  # the kept one came after the deadline
    assert _placed(submitted, "ada") == _notebook("new").decode()
    assert _placed(submitted, "bea") == _notebook("bea").decode()
    assert len(done.superseded) == 1 and not done.unmapped


def test_hostile_members_are_listed_never_extracted(tmp_path):
    outside = tmp_path / "outside"
    archive = _zip(tmp_path / "evil.zip", {
        f"../../outside/{A}.ipynb": _notebook("slip"),
        f"/abs/{A}.ipynb": _notebook("abs"),
        f"bad name!+{A}+2026-11-01 10:00:00 UTC/{A}.ipynb": _notebook("bad"),
    }, links={f"eve_1009_5009_{A}.ipynb": "/etc/passwd"})
    submitted = tmp_path / "submitted"
    done = collect(archive, A, submitted)
    assert not done.placed and len(done.unmapped) == 4
    assert not outside.exists()
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))
    reasons = dict(done.unmapped)
    assert "regular file" in reasons[f"eve_1009_5009_{A}.ipynb"]


def test_a_damaged_member_is_listed(tmp_path):
    archive = _zip(tmp_path / "c.zip", {f"doejane_1001_5001_{A}.ipynb": _notebook("jane"),
                                        f"smithbob_1002_5002_{A}.ipynb": _notebook("bob"),
                                        f"smithbob_1002_5002_{A}-0.ipynb": _notebook("bob-older")},
                   dates={f"smithbob_1002_5002_{A}-0.ipynb": (2026, 10, 1, 0, 0, 0)})
    raw = archive.read_bytes()
    at = raw.index(_notebook("bob"))                        # stored uncompressed: flip one byte of it
    archive.write_bytes(raw[:at] + b"X" + raw[at + 1:])
    done = collect(archive, A, tmp_path / "submitted")
    assert [m.student for m in done.placed] == ["1001"]
    reasons = dict(done.unmapped)
    assert "cannot be unpacked (BadZipFile" in reasons[f"smithbob_1002_5002_{A}.ipynb"]
    assert "whose newest was not placed" in reasons[f"smithbob_1002_5002_{A}-0.ipynb"]   # not dropped either


def test_a_linked_student_folder_is_not_written_through(tmp_path):
    submitted, elsewhere = tmp_path / "submitted", tmp_path / "elsewhere"
    submitted.mkdir()
    elsewhere.mkdir()
    (submitted / "1001").symlink_to(elsewhere)
    archive = _zip(tmp_path / "c.zip", {f"doejane_1001_5001_{A}.ipynb": _notebook("jane")})
    done = collect(archive, A, submitted)
    assert not done.placed and "symbolic link" in done.unmapped[0][1]
    assert not any(elsewhere.iterdir())


def test_map_member_names_the_platform():
    when = datetime(2026, 1, 1)
    assert map_member(f"doejane_late_12_34_{A}.ipynb", when).late
    assert map_member("Jane Doe_5_assignsubmission_file_/x.ipynb", when).platform == "moodle"
    assert isinstance(map_member("random.ipynb", when), str)
    inbound = map_member(f"inbound/ada+{A}+2026-11-01 10:00:00 UTC/{A}.ipynb", when)   # a zipped exchange folder
    assert inbound.platform == "nbgrader" and inbound.student == "ada" and inbound.when == datetime(2026, 11, 1, 10)


def test_cli_collect_reports_and_refuses_bad_archives(tmp_path):
    archive = _zip(tmp_path / "canvas.zip", {f"doejane_1001_5001_{A}.ipynb": _notebook("jane"), "x.txt": b""})
    run = lambda *args: subprocess.run([sys.executable, "-m", "autograder", "collect", *args],  # noqa: E731
                                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    done = run(str(archive), "--assignment", A, "--submitted", str(tmp_path / "s"))
    assert done.returncode == 1, done.stderr                # something was not placed: said, and not 0
    assert "placed 1 notebook" in done.stdout and "x.txt" in done.stdout
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    bad = run(str(tmp_path / "broken.zip"), "--assignment", A, "--submitted", str(tmp_path / "s"))
    assert bad.returncode == 2 and "not a readable zip" in bad.stderr and "Traceback" not in bad.stderr
    bad_date = run(str(archive), "--assignment", A, "--submitted", str(tmp_path / "s"), "--due", "Friday")
    assert bad_date.returncode == 2 and "Friday" in bad_date.stderr and "Traceback" not in bad_date.stderr
    unknown = run(str(archive), "--assignment", "99_nothing", "--submitted", str(tmp_path / "s"))
    assert unknown.returncode == 2 and "no assignment" in unknown.stderr


def test_grading_a_collected_class_shows_progress_and_a_summary(tmp_path):
    """Submissions the grader refuses before running them (a wrong notebook name) grade in no time:
    the run still shows its bar (done/total, time left) and ends with a summary."""
    archive = _zip(tmp_path / "canvas.zip", {f"doejane_1001_5001_{A}.ipynb": _notebook("jane")})
    submitted = tmp_path / "submitted"
    collect(archive, A, submitted)
    first = submitted / "1001" / A
    (first / f"{A}.ipynb").rename(first / "renamed.ipynb")
    second = submitted / "1002" / A
    second.mkdir(parents=True)
    (second / "other.ipynb").write_bytes(_notebook("x"))
    folders = {name: str(tmp_path / name) for name in ("autograded", "feedback", "reports")}
    command = [sys.executable, "-m", "autograder", "grade", "--unisolated", "--submitted", str(submitted),
               "--db", f"sqlite:///{tmp_path / 'gb.db'}", *(x for k, v in folders.items() for x in (f"--{k}", v))]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"grading: 100%.* 2/2 \[\d\d:\d\d<\d\d:\d\d", done.stderr), done.stderr   # elapsed<left
    assert f"{A}: 2 submission(s), mean 0.0/" in done.stdout and "2 not graded" in done.stdout
    page = (tmp_path / "reports" / "index.html").read_text()     # and the run's dashboard
    assert "Submissions that need a look" in page and "1002" in page and "found other.ipynb" in page
