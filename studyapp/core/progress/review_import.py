"""Reading a review history exported by another FSRS tool (``studyapp import-reviews``).

The CSV layout is the one of ``review_log_josh.csv`` (py-fsrs's test data)::

    card_id,review_rating,review_time,review_duration
    1711684180217,1,2024-03-29T20:32:32.250000+00:00,25060

``review_rating`` is 1 Again, 2 Hard, 3 Good, 4 Easy; ``review_time`` is ISO
8601 with a UTC offset; ``review_duration`` is milliseconds (may be empty).
Other columns are ignored. Every row is checked; :func:`parse_reviews`
returns the rows and the errors (``path:line: error: message``), and the
caller imports nothing when there is any error.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["COLUMNS", "DEFAULT_SIBLING", "ImportedReview", "parse_reviews"]

COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")

DEFAULT_SIBLING = "main"
"""The sibling of reviews of a card id that is not in the deck (a basic card's)."""


@dataclass(frozen=True, slots=True)
class ImportedReview:
    line: int
    card_id: str
    rating: int
    at: datetime
    duration_ms: int | None


def _row(fields: dict[str, str], line: int) -> ImportedReview | str:
    """One row as a review, or its error message."""
    card_id = (fields.get("card_id") or "").strip()
    if not card_id:
        return "card_id is empty"
    rating_text = (fields.get("review_rating") or "").strip()
    if rating_text not in ("1", "2", "3", "4"):
        return f"review_rating must be 1, 2, 3 or 4, got {rating_text!r}"
    time_text = (fields.get("review_time") or "").strip()
    try:
        at = datetime.fromisoformat(time_text)
    except ValueError:
        return f"review_time is not an ISO 8601 time: {time_text!r}"
    if at.tzinfo is None or at.utcoffset() is None:
        return f"review_time has no UTC offset: {time_text!r}"
    duration_text = (fields.get("review_duration") or "").strip()
    duration: int | None = None
    if duration_text:
        if not duration_text.isdigit():
            return f"review_duration must be whole milliseconds, got {duration_text!r}"
        duration = int(duration_text)
    return ImportedReview(line, card_id, int(rating_text), at.astimezone(UTC), duration)


def parse_reviews(
    lines: Iterable[str], path: str, now: datetime | None = None
) -> tuple[list[ImportedReview], list[str]]:
    """The reviews of a CSV file and its errors (``path:line: error: message``).

    ``now``: reviews later than this are errors (a clock or time-zone mistake).
    """
    reader = csv.DictReader(lines, strict=True)
    errors: list[str] = []
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        return [], [f"{path}:1: error: {exc}"]
    if header is None:
        return [], [f"{path}:1: error: the file is empty (expected {','.join(COLUMNS)})"]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [
            f"{path}:1: error: missing column{'s' * (len(missing) > 1)} {', '.join(missing)} "
            f"(expected {','.join(COLUMNS)})"
        ]
    reviews: list[ImportedReview] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"{path}:{reader.line_num}: error: {exc}")
            break
        line = reader.line_num
        extra = fields.pop(None, None)
        if extra is not None or any(value is None for value in fields.values()):
            count = sum(value is not None for value in fields.values()) + len(extra or [])
            errors.append(f"{path}:{line}: error: expected {len(header)} fields, got {count}")
            continue
        review = _row(fields, line)
        if isinstance(review, str):
            errors.append(f"{path}:{line}: error: {review}")
        elif now is not None and review.at > now:
            errors.append(f"{path}:{line}: error: review_time is in the future: {review.at}")
        else:
            reviews.append(review)
    return reviews, errors
