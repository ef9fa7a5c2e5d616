"""The class exams open now, for a student: title, questions, time limit, when
it closes, and whether you have taken it (counted by the server, or saved on
this device and not synced yet). Take one in the study app (`e` on the deck
list, while it shows) or with `studyapp exam --class ID`; a class exam is taken
once, and a start after it closes is refused. The app learns of open exams when
it syncs (`studyapp sync`, or the app's own sync).

  studyapp class exams                # the server of [sync] url in config.toml
  studyapp class exams --db postgresql://alice@host:5432/pharm101
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studyapp.commands._class import add_student_db, run_as_student

if TYPE_CHECKING:
    from studyapp.app.config import Paths, Settings

NAME = "class exams"
HELP = "the class exams open now, and whether you have taken each"


def configure(parser: argparse.ArgumentParser) -> None:
    add_student_db(parser)


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    return run_as_student(args, paths, settings, lambda url: _exams(paths, url))


def _exams(paths: Paths, url: str) -> int:
    from dataclasses import asdict

    from studyapp.core.study.class_exam import ClassExam
    from studyapp.server.exams import open_exams, own_sittings
    from studyapp.server.migrate import open_class

    with open_class(url) as conn:
        exams = [ClassExam.from_json(asdict(exam)) for exam in open_exams(conn)]
        sittings = own_sittings(conn)
    if not exams:
        print("no class exam is open now")
        return 0
    here = _taken_here(paths)
    for exam in exams:
        print(
            f"{exam.exam_id:>4}  {exam.title}: {len(exam.questions)} questions on {exam.deck_id}"
            f", {exam.limit_text}, closes {exam.closes_at.astimezone():%a %d %b %H:%M}"
        )
        if exam.exam_id in sittings:
            started = sittings[exam.exam_id].astimezone()
            print(f"      taken: your sitting started {started:%a %d %b %H:%M} counts")
        elif exam.exam_id in here:
            print("      taken on this device: `studyapp sync` sends it")
        else:
            print(f"      not taken: `studyapp exam --class {exam.exam_id}`, or e in the app")
    return 0


def _taken_here(paths: Paths) -> set[int]:
    """The class exams saved in this device's store (none before anything was studied)."""
    if not paths.database.exists():
        return set()
    from studyapp.store import Store

    with Store.open(paths.database) as store:
        return store.class_exams_taken()
