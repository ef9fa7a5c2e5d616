"""Every rule a deck diagnostic can name: its id, severity and a one-line summary.

The loader, the kinds, the library and the linter (:mod:`studyapp.core.library.lint`)
each report problems as ``path:line:col: severity: message [rule]``. This
registry lists every such rule id once; ``studyapp check --list-rules`` prints
it, ``docs/deck-format.md`` documents each one with an example, and tests
check that the ids used in the source, the registry and the docs agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.deck.model import Severity

__all__ = ["RULES", "Rule"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: how severe its diagnostics are and what it catches."""

    severity: Severity
    summary: str
    lint: bool = False
    """Reported by the linter (after loading), not by the loader."""


E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    # reading the file
    "io": Rule(E, "the file or folder cannot be read (or does not exist)"),
    "too-large": Rule(E, "the file is larger than 8 MiB"),
    "encoding": Rule(E, "the file is not valid UTF-8"),
    "yaml": Rule(E, "YAML syntax error, an unsupported tag, or a second document"),
    "too-deep": Rule(E, "nesting deeper than 64 levels"),
    "alias-bomb": Rule(E, "aliases that would expand to more than 2,000,000 nodes"),
    "duplicate-key": Rule(E, "a key given twice in one mapping"),
    "comment-in-text": Rule(
        W, "' #' inside unquoted text: it starts a comment, the rest is dropped"
    ),
    "empty": Rule(E, "the file holds nothing"),
    "root": Rule(E, "the top level is not a mapping"),
    # structure of decks, sources and cards
    "unknown-key": Rule(E, "a key the deck, source, card or option does not have"),
    "missing-key": Rule(E, "a required key is missing"),
    "wrong-type": Rule(E, "a value of the wrong type (text, list, mapping, number, boolean)"),
    "empty-field": Rule(E, "an empty value, or an empty list of cards"),
    "bad-id": Rule(E, "a deck id, card id or topic that is not a valid slug"),
    "duplicate-id": Rule(E, "two cards of one deck with the same id"),
    "duplicate-deck": Rule(E, "two files with the same deck id"),
    "unknown-kind": Rule(E, "a card kind that does not exist"),
    "unknown-source": Rule(E, "a citation naming a source the deck does not declare"),
    "unknown-section": Rule(E, "a citation naming a section its source does not declare"),
    "unknown-reference": Rule(E, "a citation naming a reference its source does not declare"),
    "missing-source": Rule(W, "a card without 'source' in a deck that declares sources"),
    "unknown-evidence": Rule(E, "an 'evidence' value that is not one of the known levels"),
    # kinds
    "same-sides": Rule(E, "a reversible card whose two sides are the same"),
    "cloze-no-deletion": Rule(E, "cloze text without a {{...}} deletion"),
    "cloze-unbalanced": Rule(E, "cloze text with an unclosed '{{' or a stray '}}'"),
    "cloze-empty-deletion": Rule(E, "a cloze deletion with no answer: {{}}"),
    "cloze-bad-number": Rule(E, "a cloze deletion number of more than six digits"),
    "choice-conflict": Rule(E, "'choices' together with 'answer' or 'distractors'"),
    "choice-too-few": Rule(E, "fewer than 2 choices, or an empty 'distractors' list"),
    "choice-too-many": Rule(E, "more than 12 options shown"),
    "choice-no-correct": Rule(E, "no choice is marked correct"),
    "choice-many-correct": Rule(E, "a choice card with several correct choices"),
    "duplicate-choice": Rule(E, "two choices or distractors of one card with the same text"),
    "answer-is-distractor": Rule(E, "a distractor equal to the answer"),
    "bad-count": Rule(E, "a 'count' out of range or larger than the wrong options listed"),
    "missing-explain": Rule(W, "a choice, select or truefalse card without 'explain'"),
    "ordering-too-few": Rule(E, "an ordering card with fewer than 2 items"),
    "ordering-too-many": Rule(E, "an ordering card with more than 12 items"),
    "matching-too-few": Rule(E, "a matching card with fewer than 2 pairs"),
    "matching-too-many": Rule(E, "a matching card with more than 12 pairs"),
    "matching-bad-pair": Rule(E, "a pair that is neither [left, right] nor {left, right}"),
    "duplicate-item": Rule(E, "an ordering item, or a matching left or right item, given twice"),
    "empty-term": Rule(E, "a typed answer or 'accept' entry with no letter or digit"),
    "duplicate-accept": Rule(W, "an 'accept' entry equal to the answer or another entry"),
    "answer-and-formula": Rule(E, "a numeric card with both 'answer' and 'formula'"),
    "params-without-formula": Rule(E, "numeric 'params' without a 'formula'"),
    "formula-unknown-name": Rule(E, "a formula naming something that is not a param"),
    "formula-syntax": Rule(E, "a formula that does not parse or is too long or deep"),
    "formula-error": Rule(E, "a formula that fails at the ends of its params' ranges"),
    "bad-param": Rule(E, "a param without min or max, min > max, step <= 0, a bad name"),
    "unused-param": Rule(W, "a param used neither by the formula nor in the question"),
    "unknown-placeholder": Rule(E, "a {placeholder} that is not a param"),
    "unknown-unit": Rule(E, "a unit the app does not know"),
    "bad-tolerance": Rule(E, "a negative tolerance, or one that is not a number or N%"),
    "bad-decimals": Rule(E, "'decimals' that is not a whole number from 0 to 10"),
    "bad-syringe": Rule(E, "a 'syringe' other than u100, or on a card not in mL or units"),
    "bad-answer": Rule(E, "a numeric answer (or valence, drop factor) infinite, over 1e15 or <= 0"),
    "unknown-template": Rule(E, "a numeric 'template' the app does not know"),
    "template-params": Rule(E, "a templated card missing a param its template needs"),
    # the linter
    "duplicate-question": Rule(
        W, "two cards, in one deck or across decks, asking the same question", lint=True
    ),
    "answer-in-question": Rule(W, "the answer (or an accepted one) written in the question", True),
    "cloze-unhidden": Rule(
        W, "a cloze deletion's answer shown unhidden elsewhere on the same prompt", lint=True
    ),
    "similar-choices": Rule(
        W, "two options of one card that differ only in punctuation, hyphens or Greek", True
    ),
    "unused-source": Rule(W, "a declared source, or a section of one, that no card cites", True),
    "impossible-case": Rule(
        E, "a generated card that can draw an impossible case (a negative clearance...)", True
    ),
    "between-marks": Rule(
        W, "a syringe card that can draw a fill between the syringe's marks", True
    ),
}
"""Every rule id, in the order the docs list them."""
