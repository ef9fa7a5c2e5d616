"""The class report's figures as pure functions, against hand-computed worked
examples (the same ones docs/class-report.md shows)."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date

import pytest

from studyapp.core.progress.class_report import (
    AnswerFacts,
    CardFacts,
    StudentFacts,
    TopicFacts,
    at_risk,
    build_report,
    csv_rows,
    misconceptions,
    pseudonyms,
    spelling_groups,
)
from studyapp.core.progress.item_analysis import analyse_exam, pearson

TODAY = date(2026, 11, 23)


def student(login: str = "alice", **changes: object) -> StudentFacts:
    values: dict[str, object] = {
        "login": login,
        "name": "Alice Liddell",
        "reviews": 120,
        "recalls": 100,
        "passes": 90,
        "last_day": date(2026, 11, 22),
        "active_days_7": 3,
        "active_days_30": 9,
        "overdue": 5,
        "recent_recalls": 40,
        "recent_passes": 36,
        "previous_recalls": 40,
        "previous_passes": 36,
    }
    values.update(changes)
    return StudentFacts(**values)  # type: ignore[arg-type]


# The worked example of docs/class-report.md: 4 students, 3 questions.
#            q1 q2 q3  total
#   A         1  1  1    3
#   B         1  1  0    2
#   C         1  0  0    1
#   D         0  0  1    1
WORKED = {
    "A": {1: 1.0, 2: 1.0, 3: 1.0},
    "B": {1: 1.0, 2: 1.0, 3: 0.0},
    "C": {1: 1.0, 2: 0.0, 3: 0.0},
    "D": {1: 0.0, 2: 0.0, 3: 1.0},
}


def test_item_analysis_worked_example() -> None:
    exam = analyse_exam(WORKED, ["q1", "q2", "q3"], {"D": {1: "B"}, "A": {1: "A"}})
    q1, q2, q3 = exam.items
    assert (exam.students, exam.mean, exam.scores) == (4, 1.75, (1.0, 1.0, 2.0, 3.0))
    # q1: item 1,1,1,0; rest 2,1,0,1: the deviations' products sum to 0.
    assert q1.facility == 0.75 and q1.discrimination == pytest.approx(0.0)
    assert q1.flags == ("weak",)
    # q2: item 1,1,0,0; rest 2,1,1,1: sxy = 0.5, sxx = 1, syy = 0.75: r = 1/sqrt(3).
    assert q2.facility == 0.5 and q2.discrimination == pytest.approx(1 / math.sqrt(3))
    assert q2.flags == ()
    # q3: item 1,0,0,1; rest 2,2,1,0: sxy = -0.5, sxx = 1, syy = 2.75.
    assert q3.discrimination == pytest.approx(-0.5 / math.sqrt(2.75))
    assert q3.discrimination == pytest.approx(-0.3015, abs=1e-4)
    assert q3.flags == ("negative",)
    assert q1.options == {"(blank)": 2, "A": 1, "B": 1}


def test_pearson_of_a_constant_series_is_none() -> None:
    assert pearson([1, 1, 1], [0, 1, 2]) is None
    assert pearson([0, 1, 2], [0, 2, 4]) == pytest.approx(1.0)


def test_a_seeded_exam_with_a_wrong_key_shows_negative_discrimination() -> None:
    """200 simulated students (ability ~ N(0, 1)), 20 questions of graded
    difficulty; question 7 is keyed to a distractor: a student is marked right
    only when they miss the true answer and guess that distractor (1 in 3)."""
    rng = random.Random(15)
    difficulty = [-1.5 + 3 * i / 19 for i in range(20)]
    scores = {}
    for s in range(200):
        ability = rng.gauss(0, 1)
        row = {}
        for q, b in enumerate(difficulty, start=1):
            knows = rng.random() < 1 / (1 + math.exp(-(ability - b) * 1.7))
            row[q] = float(not knows and rng.random() < 1 / 3) if q == 7 else float(knows)
        scores[f"s{s:03}"] = row
    exam = analyse_exam(scores, [f"q{i}" for i in range(1, 21)])
    wrong = exam.items[6]
    assert wrong.discrimination is not None and wrong.discrimination < -0.2
    assert "negative" in wrong.flags
    others = [item.discrimination for item in exam.items if item.position != 7]
    assert all(d is not None and d > 0.2 for d in others)


def test_at_risk_reasons() -> None:
    assert at_risk(student(), TODAY, 200) == ()
    assert at_risk(student(overdue=250), TODAY, 200) == (
        "backlog: 250 overdue, above the daily limit 200",
    )
    assert at_risk(student(last_day=date(2026, 11, 16)), TODAY, 200) == ("no study for 7 days",)
    assert at_risk(student(last_day=date(2026, 11, 17)), TODAY, 200) == ()
    assert at_risk(student(last_day=None), TODAY, 200) == ("no study yet",)
    # 28/40 = 70% now against 36/40 = 90% before: 20 points lower.
    falling = student(recent_passes=28)
    assert at_risk(falling, TODAY, 200) == ("falling retention: 70% over 14 days, 90% before",)
    # 32/40 = 80%: exactly 10 points lower counts too.
    assert at_risk(student(recent_passes=32), TODAY, 200) != ()
    assert at_risk(student(recent_passes=33), TODAY, 200) == ()
    # Too few recalls in a window to tell.
    assert at_risk(student(recent_recalls=9, recent_passes=1), TODAY, 200) == ()


def test_pseudonyms_are_stable_secret_and_distinct() -> None:
    names = pseudonyms(["alice", "bob"], "s3cret")
    assert names == pseudonyms(["bob", "alice"], "s3cret")
    assert names != pseudonyms(["alice", "bob"], "other")
    assert all(p.startswith("S-") and len(p) == 8 for p in names.values())
    assert len(set(names.values())) == 2
    many = pseudonyms([f"student{i}" for i in range(5000)], "k")
    assert len(set(many.values())) == 5000


def answer(text: str, times: int, *learners: str, source: str = "typed") -> AnswerFacts:
    return AnswerFacts(
        "pharm", "c1", "main", "typed", source, text, times, len(learners), frozenset(learners)
    )


def test_typed_wrong_answers_group_after_normalisation() -> None:
    found = misconceptions(
        [
            answer("Atropine", 3, "a", "b"),
            answer("atropine.", 2, "b", "c"),
            answer("  ATROPINE ", 1, "d"),
            answer("adrenaline", 4, "e"),
            answer("B", 9, "a", source="picked"),
        ]
    )
    assert [(m.source, m.answer, m.times, m.students, m.spellings) for m in found] == [
        ("picked", "B", 9, 1, 1),
        ("typed", "Atropine", 6, 4, 3),
        ("typed", "adrenaline", 4, 1, 1),
    ]


def test_the_server_counts_the_students_of_groups_of_spellings() -> None:
    # As the server sends them: summed over students, without the logins.
    rows = [
        answer("Atropine", 3, "a", "b"),
        answer("atropine.", 2, "b", "c"),
        answer("  ATROPINE ", 1, "d"),
        answer("adrenaline", 4, "e"),
        answer("B", 9, "a", source="picked"),
    ]
    rows = [replace(row, learners=frozenset()) for row in rows]
    groups = spelling_groups(rows)
    assert groups == {("pharm", "c1", "main", "atropine"): ["Atropine", "atropine.", "  ATROPINE "]}
    found = misconceptions(rows, group_students={("pharm", "c1", "main", "atropine"): 4})
    assert [(m.answer, m.times, m.students, m.spellings) for m in found] == [
        ("B", 9, 1, 1),
        ("Atropine", 6, 4, 3),
        ("adrenaline", 4, 1, 1),
    ]


def test_the_report_worked_example_and_anonymity() -> None:
    students = [
        student("alice"),
        student("bob", name="Bob Dylan", reviews=10, recalls=8, passes=4, overdue=300),
    ]
    topics = [
        TopicFacts("alice", "pharm", "dosing", 10, 9, 5, 0.9),
        TopicFacts("bob", "pharm", "dosing", 10, 5, 5, 0.5),
        TopicFacts("alice", "pharm", "safety", 4, 4, 2, 0.95),
    ]
    cards = [
        CardFacts("pharm", "c1", "main", "dosing", "choice", 2, 10, 8, 4, 3, 1),
        CardFacts("pharm", "c2", "main", "safety", "typed", 1, 3, 2, 2, 0, 0),
    ]
    report = build_report(
        today=TODAY, students=students, topics=topics, cards=cards, answers=[], daily_limit=200
    )
    # dosing: (9 + 5) / (10 + 10) = 70%, mean recall (0.9 + 0.5) / 2; bob's 50% < 90%.
    dosing = report.topics[0]
    assert (dosing.topic, dosing.retention, dosing.below_desired) == ("dosing", 0.7, 1)
    assert dosing.mean_recall == pytest.approx(0.7)
    assert report.topics[1].retention == 1.0
    assert report.hardest[0].card_id == "c1" and report.hardest[0].lapses_per_student == 1.5
    assert [r.student for r in report.at_risk] == ["bob"]
    assert report.participation.median_reviews == 65
    text = repr(report.to_json()) + repr(list(csv_rows(report)))
    assert "Bob Dylan" in text
    anonymous = build_report(
        today=TODAY, students=students, topics=topics, cards=cards, answers=[], secret="k"
    )
    leaked = repr(anonymous.to_json()) + repr(list(csv_rows(anonymous)))
    for name in ("alice", "bob", "Alice", "Bob"):
        assert name not in leaked


def test_the_doc_names_every_json_key_and_csv_figure() -> None:
    from pathlib import Path

    from tests.unit.class_sample import sample_report

    doc = (Path(__file__).parents[2] / "docs" / "class-report.md").read_text("utf-8")
    data = sample_report().to_json()
    keys = set(data)
    rows = [*data["at_risk"], *data["students"], *data["topics"], *data["hardest"]]
    rows += [*data["misconceptions"], data["participation"], *data["exams"].values()]
    for row in rows:
        keys |= set(row)
        for item in row.get("items", []):
            keys |= set(item)
    keys -= {"midterm"}
    missing = sorted(k for k in keys if f"`{k}`" not in doc)
    assert missing == []
    figures = {row[5] for row in csv_rows(sample_report())}
    plain = {f for f in figures if ":" not in f}
    assert sorted(f for f in plain if f"`{f}`" not in doc) == []
    assert "`section,deck,topic,card,student,figure,value`" in doc
