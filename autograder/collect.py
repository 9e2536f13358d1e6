"""Submissions in from a learning platform: a bulk-download archive into ``submitted/``.

Every member of the archive is named by the platform that wrote it; one pattern per platform
maps the name to a student (inside any folders the archive wraps them in):

    Canvas    <lastfirst>_[late_]<userid>_<submissionid>_<filename>      (flat)
    Moodle    <Full Name>_<participantid>_assignsubmission_file_/<filename>
              (a folder per student; older versions put the same prefix before the file name)
    nbgrader  <student>+<assignment>+<timestamp>[+<random>]/<filename>  (the exchange's inbound)

A student's notebook becomes ``submitted/<student>/<assignment>/<assignment>.ipynb``, where the
student id is the platform's own (Canvas user id, Moodle participant id, nbgrader student), so
that grades can go back to the platform; the name it gave is kept in ``roster.csv``. When a
student has several notebooks the newest is kept (the platform's timestamp, else the archive's
date) and the others are reported. Nothing is extracted by the archive's own paths: only regular
members are read, their bytes written to a path built from the student id alone, so no member
can escape the folder (zip-slip) or plant a link. Whatever cannot be mapped is listed.
"""
from __future__ import annotations

import csv
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from . import paths
from .classroom import SAFE_NAME

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024     # larger members are refused (an archive bomb, not a notebook)

CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?P<late>late_)?(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")
NBGRADER = re.compile(r"^(?P<id>[^+/]+)\+(?P<assignment>[^+/]+)\+(?P<timestamp>[^+/]+)(?:\+[^+/]*)?$")
CANVAS_COPY = re.compile(r"-\d+$")       # Canvas appends -1, -2 ... to a resubmitted file's name


@dataclass
class Member:
    """One file of the archive, mapped to a student."""
    archive_name: str
    platform: str
    student: str
    name: str             # the student's name as the platform wrote it
    file: str             # the file name the student uploaded
    when: datetime        # the platform's timestamp, else the archive entry's date
    late: bool = False


@dataclass
class Collected:
    """What ``collect`` did: every member of the archive is in exactly one of these lists."""
    placed: list[Member] = field(default_factory=list)
    superseded: list[tuple[Member, Member]] = field(default_factory=list)    # (older, the one kept)
    unmapped: list[tuple[str, str]] = field(default_factory=list)            # (member, reason)

    @property
    def late(self) -> list[Member]:
        return [m for m in self.placed if m.late]

    def summary(self) -> str:
        lines = [f"placed {len(self.placed)} notebook(s)"]
        lines += [f"  LATE: {m.student} ({m.name}) {m.archive_name}" for m in self.late]
        lines += [f"  duplicate: {old.student} {old.archive_name} superseded by the newer {new.archive_name}"
                  for old, new in self.superseded]
        if self.unmapped:
            lines.append(f"NOT PLACED ({len(self.unmapped)}): look at these by hand")
            lines += [f"  {name}: {reason}" for name, reason in self.unmapped]
        return "\n".join(lines)


def _timestamp(text: str) -> datetime | None:
    """nbgrader's timestamp ('2026-11-30 01:02:03.123456 UTC' and the like), naive UTC."""
    text = text.strip().removesuffix(" UTC").removesuffix("UTC").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    return None


def map_member(name: str, zip_date: datetime) -> Member | str:
    """The student a member of the archive belongs to, or the reason it has none."""
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts or "\\" in name:
        return "an absolute path or one that climbs out of the archive (refused)"
    for depth, part in enumerate(parts):       # folders around the platform's names are allowed
        last = depth == len(parts) - 1
        if (match := NBGRADER.match(part)) and not last:
            when = _timestamp(match["timestamp"])
            return Member(name, "nbgrader", match["id"], match["id"], parts[-1], when or zip_date)
        if match := MOODLE.match(part):
            return Member(name, "moodle", match["id"], match["name"], parts[-1] if not last else match["file"], zip_date)
        if last and (match := CANVAS.match(part)):
            return Member(name, "canvas", match["id"], match["name"], match["file"], zip_date, late=bool(match["late"]))
    return "no platform's file-name pattern matches it (Canvas, Moodle or nbgrader)"


def _is_regular(info: zipfile.ZipInfo) -> bool:
    """A member is a file unless its Unix mode names another type (a link, a device, a pipe).
    Many writers store no type at all (permissions only, or a Windows archive): a file."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    return kind in (0, stat.S_IFREG)


def _preference(member: Member, assignment: str) -> tuple:
    """Sort key: the notebook named after the assignment first, then the newest."""
    stem = CANVAS_COPY.sub("", PurePosixPath(member.file).stem) if member.platform == "canvas" else PurePosixPath(member.file).stem
    return (stem == assignment, member.when, member.archive_name)


def collect(archive: Path, assignment: str, submitted: Path = paths.SUBMITTED,
            roster: Path | None = None, due: datetime | None = None) -> Collected:
    """Place every student's newest notebook of ``archive`` into ``submitted``; see the module.
    Canvas marks late submissions itself; the others are late when their time is after ``due``."""
    if not SAFE_NAME.match(assignment):
        raise ValueError(f"{assignment!r} is not a usable assignment name")
    submitted, roster = Path(submitted), Path(roster) if roster else Path(submitted).parent / "roster.csv"
    done = Collected()
    try:
        handle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as err:
        raise ValueError(f"{archive} is not a readable zip archive: {err}") from err
    with handle:
        infos = [i for i in handle.infolist() if not i.is_dir()]
        by_student: dict[str, list[tuple[Member, zipfile.ZipInfo]]] = {}
        for info in infos:
            mapped = map_member(info.filename, datetime(*info.date_time))
            if isinstance(mapped, str):
                done.unmapped.append((info.filename, mapped))
            elif mapped.platform == "nbgrader" and mapped.file == "timestamp.txt":
                continue                 # nbgrader's own record; its time is in the folder name
            elif not _is_regular(info):
                done.unmapped.append((info.filename, "not a regular file (a link or a device): never extracted"))
            elif not mapped.file.endswith(".ipynb"):
                done.unmapped.append((info.filename, f"not a notebook (student {mapped.student})"))
            elif not SAFE_NAME.match(mapped.student):
                done.unmapped.append((info.filename, f"student id {mapped.student!r} is not a usable folder name"))
            elif info.file_size > MAX_NOTEBOOK_BYTES:
                done.unmapped.append((info.filename, f"{info.file_size} bytes: larger than any notebook should be"))
            else:
                mapped.late = mapped.late or (due is not None and mapped.platform != "canvas" and mapped.when > due)
                by_student.setdefault(mapped.student, []).append((mapped, info))
        for student, members in sorted(by_student.items()):
            members.sort(key=lambda pair: _preference(pair[0], assignment), reverse=True)
            kept, info = members[0]
            target = submitted / student / assignment / f"{assignment}.ipynb"
            if problem := _place(handle, info, target, submitted):
                done.unmapped.append((info.filename, problem))
                done.unmapped += [(other.archive_name, f"an older notebook of {student}, whose newest was not placed")
                                  for other, _ in members[1:]]
                continue
            done.placed.append(kept)
            done.superseded += [(other, kept) for other, _ in members[1:]]
    _update_roster(roster, done.placed)
    return done


def _place(handle: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, submitted: Path) -> str:
    """Write the member ``info`` at ``target``; return why it was not written, or ""."""
    if refused := paths.submission_problem(target, submitted):
        return f"the existing {target} is refused: {refused}"
    try:
        with handle.open(info) as member:
            data = member.read(MAX_NOTEBOOK_BYTES + 1)    # the size the archive declares may lie
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error) as err:
        return f"cannot be unpacked ({type(err).__name__}: {err})"
    if len(data) > MAX_NOTEBOOK_BYTES:
        return "larger than any notebook should be once unpacked"
    _write(target, data)
    return ""


def _write(target: Path, data: bytes) -> None:
    """Write ``data`` as a new regular file at ``target`` (replacing a file, never following a link)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.collecting")
    tmp.unlink(missing_ok=True)          # left by an interrupted run
    with open(tmp, "xb") as out:
        out.write(data)
    os.replace(tmp, target)


ROSTER_FIELDS = ["student", "name", "platform"]


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """student id -> its row in roster.csv (empty when there is none)."""
    if not Path(path).is_file():
        return {}
    with open(path, newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _update_roster(path: Path, placed: list[Member]) -> None:
    rows = read_roster(path)
    for member in placed:
        rows[member.student] = {**rows.get(member.student, {}), "student": member.student,
                                "name": member.name, "platform": member.platform}
    if not rows:
        return
    fields = ROSTER_FIELDS + sorted({k for row in rows.values() for k in row} - set(ROSTER_FIELDS))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows[s] for s in sorted(rows))
