"""A small class report built from hand-made facts, for the renderers' tests
(text, HTML in a real browser, the TUI screen)."""

from __future__ import annotations

from datetime import date

from studyapp.core.progress.class_report import (
    AnswerFacts,
    CardFacts,
    ClassReport,
    StudentFacts,
    TopicFacts,
    build_report,
)
from studyapp.core.progress.item_analysis import analyse_exam

TODAY = date(2026, 11, 23)
NAMES = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Emmy Noether", "Kurt Godel")


def sample_report(*, anonymous: bool = False) -> ClassReport:
    logins = [f"st{i}" for i in range(len(NAMES))]
    students = [
        StudentFacts(
            login,
            name,
            40 + 30 * i,
            30 + 20 * i,
            20 + 19 * i,
            date(2026, 11, 22 - (9 if i == 4 else i)),
            3,
            10,
            250 if i == 3 else 4,
            20,
            18 - (8 if i == 2 else 0),
            20,
            18,
        )
        for i, (login, name) in enumerate(zip(logins, NAMES, strict=True))
    ]
    topics = [
        TopicFacts(login, "pharm", topic, 10, passes, 5, mastery)
        for login in logins
        for topic, passes, mastery in (
            ("dosing", 6, 0.71),
            ("safety", 9, 0.93),
            ("mechanism", 8, 0.85),
        )
    ]
    cards = [
        CardFacts("pharm", f"c{i}", "main", "dosing", "choice", 5, 30, 25, 25 - 2 * i, i, i // 3)
        for i in range(1, 8)
    ]
    answers = [
        AnswerFacts("pharm", "c7", "main", "choice", "picked", "Dose 207 mg", 9, 4),
        AnswerFacts(
            "pharm", "c6", "main", "typed", "typed", "atropine", 4, 2, frozenset(logins[:2])
        ),
    ]
    scores = {
        login: {1: 1.0, 2: float(i % 2), 3: float(i > 1), 4: float(i < 2)}
        for i, login in enumerate(logins)
    }
    exam = analyse_exam(
        scores,
        ["pharm/c1", "pharm/c2", "pharm/c3", "pharm/c4"],
        {login: {2: "A", 4: "C"} for login in logins},
    )
    return build_report(
        today=TODAY,
        students=students,
        topics=topics,
        cards=cards,
        answers=answers,
        exams={"midterm": exam},
        exam_scores={"midterm": {login: sum(row.values()) / 4 for login, row in scores.items()}},
        secret="sample" if anonymous else None,
    )
