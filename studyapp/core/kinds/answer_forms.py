"""Typed answers, step 1: the comparable forms of a text (see :mod:`studyapp.core.kinds.answers`).

The rule of this module: forms that mean the same compare equal, and nothing
that carries meaning is ever dropped as punctuation.

:func:`fold_words` is the loose form (also used by the linter): Unicode
compatibility forms (NFKD: ``µ`` is ``μ``, full-width letters and subscripts
are plain), case (``casefold``), accents (dropped), Greek letters and their
names (``β`` is ``beta``), hyphens, dashes, slashes and underscores (word
breaks), other punctuation (dropped, except a decimal mark between two
digits), whitespace (collapsed).

:func:`normalize` is :func:`fold_words` keeping what carries meaning:

* a **sign** before a number (``-70``, ``−70``; ``+70`` is ``70``), where the
  dash does not join two words or numbers (``IL-6`` and ``5-10`` are breaks);
* a **leading decimal point** (``.5`` is ``0.5``, never ``5``); trailing zeros
  after a decimal point do not count (``0.50`` is ``0.5``);
* **comparisons** (``<``, ``>``, ``≤``, ``≥``; ``<=`` is ``≤``; ``less than 5``
  is ``< 5``, ``at least 5`` is ``≥ 5``);
* **stereo descriptors** ``(+)``, ``(−)`` and ``(±)`` (``(+/-)``);
* **unit words after a number** read as their symbol (``5 milligrams`` is
  ``5 mg``, ``5 µg`` is ``5 mcg``, ``15 percent`` is ``15 %``).

:func:`match_key` drops the spaces, except between two digits, so ``GABA-A``,
``GABA A`` and ``GABAA`` match while ``5 10`` and ``510`` do not.

:func:`term` analyses one answer for the matching rules: its numbers (with
signs), comparisons, units, stereo descriptors, final mark and anchors, and
:func:`core_forms` gives the forms without a leading article (``a``, ``an``,
``the``) or a trailing generic head noun (:data:`HEAD_NOUNS`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from studyapp.core.deck.text import parse_inline, plain, sanitize

__all__ = [
    "GREEK_NAMES",
    "HEAD_NOUNS",
    "Term",
    "core_forms",
    "fold_words",
    "match_key",
    "normalize",
    "term",
]

GREEK_NAMES: dict[str, str] = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
"""Lower-case Greek letters (after case folding) and the names they equal."""

GREEK_WORDS = frozenset(GREEK_NAMES.values())

HEAD_NOUNS = ("receptor", "enzyme", "channel", "cell", "gene", "protein")
"""Generic head nouns: one of these (or its plural) ending an answer may be
added or left out (``GABA-A receptor`` for ``GABA-A``)."""

_BREAKS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/\\\u2044\u2215_")
"""Hyphens, dashes, the minus sign, slashes and underscores: word breaks."""

_DROPPED = "\x00"
"""Stands for a dropped character while normalising (``sanitize`` removes real NULs)."""

_DROPPED_BETWEEN_DIGITS_RE = re.compile(r"(?<=[0-9])\x00+(?=[0-9])")
_SPACE_NOT_BETWEEN_DIGITS_RE = re.compile(r" (?![0-9])|(?<![0-9]) ")
_TRAILING_ZEROS_RE = re.compile(r"(?<![0-9.,])([0-9]+)(?:\.([0-9]*?))0+(?![0-9.,])")

# The marks that carry meaning, read at a position of the folded text.
_MINUS = "-\u2212\u2012\u2013"
"""Hyphen-minus, minus sign, figure dash, en dash: a minus before a number."""
_DESCRIPTOR_RE = re.compile(
    rf"\(\s*(?:(\+)|([{_MINUS}])|(±|\+\s*/?\s*[{_MINUS}]|[{_MINUS}]\s*/?\s*\+))\s*\)"
)
_COMPARISON_RE = re.compile(r"<=|=<|>=|=>|[<>≤≥⩽⩾]")
_COMPARISONS = {"<=": "≤", "=<": "≤", ">=": "≥", "=>": "≥", "⩽": "≤", "⩾": "≥"}
_NUMBER_AHEAD = rf"(?= ?[+{_MINUS}]?[.,]?[0-9])"
_COMPARISON_WORDS_RE = re.compile(
    r"(?:(?:(?:no|not) (?:more|greater) than|at most)(?P<le>)"
    r"|(?:(?:no|not) (?:less|fewer) than|at least)(?P<ge>)"
    r"|(?:less|fewer) than(?P<lt>)"
    r"|(?:more|greater) than(?P<gt>))" + _NUMBER_AHEAD
)
_COMPARISON_WORDS = {"le": "≤", "ge": "≥", "lt": "<", "gt": ">"}
_SIGN_RE = re.compile(rf"[+{_MINUS}](?=[.,]?[0-9])")
_LEADING_POINT_RE = re.compile(r"[.,](?=[0-9])")
_UNIT_WORDS_RE = re.compile(
    r"\s*(?:(?P<mcg>micrograms?|mcg|μg|ug)|(?P<mg>milligrams?|mg)|(?P<g>grams?|g)"
    r"|(?P<ml>millilit(?:re|er)s?|ml)|(?P<units>units?)|(?P<percent>per ?cent|%)"
    r"|(?P<iu>i\.u\.|iu|international units?))(?:(?<=%)|(?![a-z0-9]))"
)
"""A unit word ends at a word boundary; ``%`` is a symbol and ends where it is
(``0%0`` reads as ``0 % 0``, as ``0 % 0`` does, so normalising twice changes nothing)."""
_UNIT_SYMBOLS = {"mcg": "mcg", "mg": "mg", "g": "g", "ml": "ml", "units": "units"}
_UNIT_SYMBOLS |= {"percent": "%", "iu": "iu"}
UNIT_WORDS = frozenset(_UNIT_SYMBOLS.values())
"""The units a number in a typed answer may carry, as :func:`normalize` writes them."""

_ARTICLE_RE = re.compile(r"(?:the|an|a)\s+(?=[^\W_])", re.IGNORECASE)
_BREAK_CLASS = "".join(re.escape(ch) for ch in sorted(_BREAKS))
_HEAD_RE = re.compile(rf"[\s{_BREAK_CLASS}]+({'|'.join(HEAD_NOUNS)})s?[\s.]*\Z", re.IGNORECASE)
_LETTER_DESCRIPTOR_RE = re.compile(
    r"(?<![^\W_])\(\s*([dlrs])\s*\)|(?<![^\W_])([dlrs])[-\u2010\u2011](?=[^\W\d_])(?!type\b)"
)
_SYMBOL_DESCRIPTORS = frozenset({"(+)", "(-)", "(±)"})
_COMPARISON_WORDS_OUT = frozenset("<>≤≥")


# ---------------------------------------------------------------- normalising


def fold_words(text: str) -> str:
    """The loose comparable form: folded, Greek spelt out, words split by single spaces.

    Nothing is kept for its meaning: ``-70`` and ``70`` are the same here
    (the linter compares texts this way; answers are compared by :func:`normalize`).
    """
    return _words(_fold(sanitize(text)), meaning=False)


def normalize(text: str) -> str:
    """The comparable form of ``text``: :func:`fold_words` keeping signs, decimal
    points, comparisons, stereo descriptors and units (see the module docstring).

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    normal = _TRAILING_ZEROS_RE.sub(_strip_zeros, _words(_fold(sanitize(text)), meaning=True))
    # Dropped punctuation can join a number to a unit word (``5:mg``): read again
    # until stable, so normalising a normal form changes nothing.
    for _ in range(3):
        again = _TRAILING_ZEROS_RE.sub(_strip_zeros, _words(normal, meaning=True))
        if again == normal:
            break
        normal = again
    return normal


def match_key(text: str) -> str:
    """What two answers must share to be equal: :func:`normalize` without word spaces.

    A space survives only between two digits, so numbers stay apart.
    """
    return _SPACE_NOT_BETWEEN_DIGITS_RE.sub("", normalize(text))


def _strip_zeros(match: re.Match[str]) -> str:
    whole, fraction = match.group(1), match.group(2)
    return f"{whole}.{fraction}" if fraction else whole


def _fold(text: str) -> str:
    """Compatibility-decompose and case-fold until stable, then drop combining marks.

    Both steps can undo the other's work on rare characters, hence the loop;
    every character left is stable under both, so folding twice changes nothing.
    """
    for _ in range(4):
        folded = unicodedata.normalize("NFKD", text).casefold()
        if folded == text:
            break
        text = folded
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))


def _words(text: str, *, meaning: bool) -> str:
    """Turn breaks into spaces, digits into ASCII, Greek letters into names and
    drop punctuation (keeping the marks of meaning when ``meaning``); collapse spaces."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if meaning:
            mark, end = _mark_at(text, index, out)
            if end > index:
                out.append(mark)
                index = end
                continue
        ch = text[index]
        digit = unicodedata.decimal(ch, None)
        if ch.isspace() or ch in _BREAKS:
            out.append(" ")
        elif digit is not None:
            out.append(str(digit))
        elif ch in GREEK_NAMES:
            out.append(f" {GREEK_NAMES[ch]} ")
        elif ch.isalnum() or (ch in ".," and _decimal_mark(out, text, index)):
            out.append(ch)
        else:
            out.append(_DROPPED)
        index += 1
    joined = _DROPPED_BETWEEN_DIGITS_RE.sub(" ", "".join(out)).replace(_DROPPED, "")
    return " ".join(joined.split())


def _mark_at(text: str, index: int, out: list[str]) -> tuple[str, int]:
    """The mark of meaning starting at ``text[index]`` as written out, and where it
    ends (``index`` when there is none).

    What came before is judged both as typed and as written out (dropped
    punctuation joins its neighbours), so normalising twice changes nothing.
    """
    ch = text[index]
    before = _last_kept(out)
    typed_before = text[index - 1] if index else " "
    after_word = before.isalnum() or typed_before.isalnum() or typed_before in ".,)]"
    if ch == "(":
        match = _DESCRIPTOR_RE.match(text, index)
        if match:
            token = "(+)" if match.group(1) else "(-)" if match.group(2) else "(±)"
            return f" {token} ", match.end()
    elif ch in "<>=≤≥⩽⩾":
        match = _COMPARISON_RE.match(text, index)
        if match:
            return f" {_COMPARISONS.get(match.group(), match.group())} ", match.end()
    elif ch in "+" + _MINUS and not after_word and _SIGN_RE.match(text, index):
        return ("-" if ch != "+" else ""), index + 1
    elif ch in ".," and not after_word and _LEADING_POINT_RE.match(text, index):
        return "0.", index + 1
    elif ch in "lfmgna" and not after_word:
        match = _COMPARISON_WORDS_RE.match(text, index)
        if match and match.lastgroup:
            return f" {_COMPARISON_WORDS[match.lastgroup]} ", match.end()
    if _last_kept(out, spaces=False).isdigit():
        match = _UNIT_WORDS_RE.match(text, index)
        if match and match.lastgroup:
            return f" {_UNIT_SYMBOLS[match.lastgroup]} ", match.end()
    return "", index


def _last_kept(out: list[str], *, spaces: bool = True) -> str:
    """The last character written out, skipping dropped ones (and spaces unless ``spaces``)."""
    for piece in reversed(out):
        kept = piece.replace(_DROPPED, "") if spaces else piece.replace(_DROPPED, "").rstrip()
        if kept:
            return kept[-1]
    return ""


def _decimal_mark(out: list[str], text: str, index: int) -> bool:
    """Whether the ``.`` or ``,`` at ``text[index]`` sits between two digits."""
    if index + 1 >= len(text) or not out or not out[-1][-1:].isdigit():
        return False
    return unicodedata.decimal(text[index + 1], None) is not None


# ---------------------------------------------------------------------- terms


@dataclass(frozen=True, slots=True)
class Term:
    """One answer in the forms matching needs (see :func:`term`)."""

    text: str
    """As written (sanitised, stripped)."""
    key: str
    """Its :func:`match_key`."""
    numbers: tuple[str, ...]
    """The numbers, signed, in order (``5-HT1A`` -> ``("5", "1")``; ``−70 mV`` -> ``("-70",)``)."""
    mark: str = ""
    """The final mark (match key), typed exactly in a near miss; ``""`` if none."""
    mark_text: str = ""
    """The final mark as written (``B`` in ``TrkB``)."""
    anchors: tuple[tuple[str, str], ...] = ()
    """``(match key, as written)`` of the acronyms and Greek letters before the mark."""
    comparisons: tuple[str, ...] = ()
    """``<``, ``>``, ``≤``, ``≥`` in order."""
    units: tuple[str, ...] = ()
    """The unit of each number standing alone (``""`` when none), in order."""
    descriptors: tuple[str, ...] = ()
    """Stereo descriptors as written: ``(+)``, ``(-)``, ``(±)``, and ``D``, ``L``,
    ``R``, ``S`` written ``D-`` or ``(R)`` (not ``L-type``)."""
    letters: tuple[str, ...] = ()
    """The words of a single letter (upper case), in order: ``L`` in ``L type``."""
    skeleton: str = ""
    """The key without numbers, signs, comparisons, units of numbers and descriptors."""
    words: tuple[str, ...] = ()
    """The :func:`normalize` words."""

    @property
    def display(self) -> str:
        """The text without inline formatting markers, for feedback."""
        return plain(parse_inline(self.text))

    @property
    def stem(self) -> str:
        """The match key without the final mark."""
        return self.key[: len(self.key) - len(self.mark)]


_NUMBER_WORD_RE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*")
_KEY_NUMBER_RE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*")
_NOT_SKELETON_RE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)*|[<>≤≥]|\([+\-±]\)")


@lru_cache(maxsize=65536)
def term(text: str) -> Term:
    """Analyse one answer (cached: a deck's terms are met again at every grade)."""
    text = sanitize(text).strip()
    normal = normalize(text)
    key = _SPACE_NOT_BETWEEN_DIGITS_RE.sub("", normal)
    words = tuple(normal.split())
    parts = [(part, match_key(part)) for part in _parts(text)]
    parts = [(part, part_key) for part, part_key in parts if part_key]
    mark, mark_text = "", ""
    if parts and _is_mark(parts[-1][1]) and key.endswith(parts[-1][1]):
        mark_text, mark = parts.pop()
    anchors = tuple((part_key, part) for part, part_key in parts if _is_anchor(part, part_key))
    return Term(
        text,
        key,
        tuple(_KEY_NUMBER_RE.findall(key)),
        mark,
        mark_text,
        anchors,
        comparisons=tuple(w for w in words if w in _COMPARISON_WORDS_OUT),
        units=_units(words),
        descriptors=_descriptors(text, words),
        letters=tuple(w.upper() for w in words if len(w) == 1 and "a" <= w <= "z"),
        skeleton=_skeleton(words),
        words=words,
    )


def _units(words: tuple[str, ...]) -> tuple[str, ...]:
    """The unit word after each number word (``""`` when none)."""
    found = []
    for index, word in enumerate(words):
        if _NUMBER_WORD_RE.fullmatch(word):
            after = words[index + 1] if index + 1 < len(words) else ""
            found.append(after if after in UNIT_WORDS else "")
    return tuple(found)


def _skeleton(words: tuple[str, ...]) -> str:
    """The words without numbers (and their units), comparisons and descriptors, joined."""
    kept = []
    for index, word in enumerate(words):
        number_before = index > 0 and _NUMBER_WORD_RE.fullmatch(words[index - 1])
        if word in UNIT_WORDS and number_before:
            continue
        kept.append(_NOT_SKELETON_RE.sub("", word))
    return "".join(kept)


def _descriptors(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The stereo descriptors of a term as written, in order (see :attr:`Term.descriptors`)."""
    symbols = tuple(w for w in words if w in _SYMBOL_DESCRIPTORS)
    matches = _LETTER_DESCRIPTOR_RE.finditer(_fold(text))
    return symbols + tuple((m.group(1) or m.group(2)).upper() for m in matches)


def core_forms(text: str) -> tuple[str, str, str]:
    """``(without article, without article and head noun, the head noun dropped)``.

    A leading ``a``, ``an`` or ``the`` is dropped when a word follows; a
    trailing head noun (:data:`HEAD_NOUNS`, or its plural) after a break when
    letters or digits remain before it. The head noun is given in the
    singular, lower case (``""`` when there is none).
    """
    bare = sanitize(text).strip()
    article = _ARTICLE_RE.match(bare)
    if article and match_key(bare[article.end() :]):
        bare = bare[article.end() :]
    head = _HEAD_RE.search(bare)
    if head and match_key(bare[: head.start()]):
        return bare, bare[: head.start()], head.group(1).casefold()
    return bare, bare, ""


def _parts(text: str) -> list[str]:
    """Split a term as written at punctuation and spaces, between letters and
    digits, before a capital that follows a small letter (``TrkB`` -> ``Trk``,
    ``B``) and around Greek letters."""
    parts: list[str] = []
    current: list[str] = []
    previous = ""
    for ch in unicodedata.normalize("NFKC", text):
        kind = _char_kind(ch)
        if kind == "mark":  # a combining accent stays with its letter
            current.append(ch)
            continue
        if not kind or (current and _splits(previous, kind)):
            parts.append("".join(current))
            current = []
        if kind:
            current.append(ch)
            previous = kind
    parts.append("".join(current))
    return [part for part in parts if part]


def _char_kind(ch: str) -> str:
    """``digit``, ``greek``, ``upper``, ``lower``, ``mark`` or ``""`` (punctuation, space)."""
    if unicodedata.category(ch).startswith("M"):
        return "mark"
    if ch.isdecimal():
        return "digit"
    if not ch.isalnum():
        return ""
    if unicodedata.name(ch, "").startswith("GREEK"):
        return "greek"
    return "upper" if ch.isupper() else "lower"


def _splits(previous: str, kind: str) -> bool:
    """Whether a new part starts between characters of these kinds."""
    if (previous, kind) == ("lower", "upper"):
        return True
    separate = ("digit", "greek")
    return previous != kind and (previous in separate or kind in separate)


def _is_mark(part_key: str) -> bool:
    """A final part that changes the term's meaning: one or two characters, or Greek."""
    return len(part_key) <= 2 or part_key in GREEK_WORDS


def _is_anchor(part: str, part_key: str) -> bool:
    """An acronym of two to five capitals, or a Greek letter (or its name)."""
    acronym = 2 <= len(part) <= 5 and part.isalpha() and part.isupper()
    return acronym or part_key in GREEK_WORDS
