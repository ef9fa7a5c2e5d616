"""Generate a large, realistic benchmark data set for studyapp.

Writes, under ``DIR`` (default ``benchmarks/.data``):

* ``decks/*.yaml``: a 10,000-card library in the deck format (several files of
  different sizes, basic / reversible / cloze cards, sources with sections and
  numbered references, tags, citations, inline formatting);
* ``home/studyapp.db``: a studyapp database (``STUDYAPP_HOME=DIR/home``) with a
  100,000-review history spread over the year before ``--end``. Every review
  goes through :meth:`Policy.review` (fuzz on, seeded), so ``card_state`` is
  exactly what the app would have stored; rows are bulk-inserted with the same
  columns :meth:`Store.record_review` writes;
* ``manifest.json``: the parameters and counts (``run.py`` regenerates when
  they change).

Output is deterministic for a given ``--seed`` and ``--end`` date.

Usage::

    python benchmarks/generate.py [--out DIR] [--seed N] [--end YYYY-MM-DD] [--verify]
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
DEFAULT_OUT = Path(__file__).resolve().parent / ".data"
DEFAULT_SEED = 20261123
DEFAULT_CARDS = 10_000
DEFAULT_REVIEWS = 100_000
HISTORY_DAYS = 365

# Deck sizes as a share of the library: a few big decks and a long tail.
DECK_SHARES = (0.25, 0.18, 0.15, 0.12, 0.10, 0.08, 0.05, 0.04, 0.02, 0.01)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------
def _split(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


DRUGS = _split(
    "selank semax tuftsin diazepam medazepam buspirone fluoxetine sertraline citalopram "
    "venlafaxine duloxetine bupropion mirtazapine lithium valproate lamotrigine carbamazepine "
    "phenytoin gabapentin pregabalin baclofen tizanidine morphine fentanyl naloxone naltrexone "
    "buprenorphine methadone tramadol ketamine propofol midazolam lorazepam alprazolam zolpidem "
    "melatonin haloperidol risperidone olanzapine quetiapine clozapine aripiprazole donepezil "
    "memantine levodopa carbidopa ropinirole pramipexole selegiline rasagiline amantadine "
    "metformin insulin liraglutide semaglutide atenolol propranolol metoprolol amlodipine "
    "verapamil diltiazem lisinopril losartan spironolactone furosemide warfarin heparin "
    "apixaban clopidogrel aspirin ibuprofen naproxen celecoxib paracetamol prednisolone"
)
TARGETS = _split(
    "GABA-A receptor|mu-opioid receptor|delta-opioid receptor|NMDA receptor|AMPA receptor|"
    "5-HT1A receptor|5-HT2A receptor|D2 receptor|beta-1 adrenoceptor|alpha-2 adrenoceptor|"
    "serotonin transporter|noradrenaline transporter|MAO-B|COX-2|acetylcholinesterase|"
    "voltage-gated sodium channel|L-type calcium channel|BDNF signalling|enkephalinase|"
    "GABA transaminase|vitamin K epoxide reductase|P2Y12 receptor|angiotensin II receptor",
    "|",
)
TISSUES = _split(
    "hippocampus amygdala prefrontal cortex striatum hypothalamus brainstem spinal cord "
    "liver kidney gut mucosa nasal epithelium plasma cerebrospinal fluid"
)
VERBS = _split(
    "inhibits blocks activates modulates potentiates antagonises upregulates downregulates "
    "stabilises degrades binds sensitises desensitises"
)
FILLER = _split(
    "the of in and with by for after during which rather than only when under chronic acute "
    "dose-dependent reversible selective partial full marked modest early late plasma "
    "clearance half-life exposure response tolerance withdrawal rebound sedation anxiety "
    "memory learning stress inflammation cytokine expression neurons synapse signalling "
    "metabolite enzyme hepatic renal oral intranasal intravenous trial cohort placebo "
    "randomised controlled animal human study review evidence effect onset duration peak"
)
TOPICS = (
    "history",
    "structure",
    "mechanism",
    "pathway",
    "pharmacokinetics",
    "dosing",
    "safety",
    "interactions",
    "research",
    "regulation",
)
TAGS = _split(
    "gaba opioid serotonin dopamine noradrenaline glutamate enzyme receptor transporter "
    "kinetics clearance metabolism elderly paediatric pregnancy renal hepatic cardiac "
    "sedation memory anxiety pain sleep mood trial animal-study human-study storage"
)
SECTION_NAMES = _split(
    "Introduction|History and discovery|Mechanism of action|Biological pathways|"
    "Pharmacokinetics|Dosage information|Protocols|Stability and storage|"
    "Side effects and precautions|Interactions|Regulatory status|Research studies|FAQs",
    "|",
)


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(rng.randint(low, high)))


def _decorate(rng: random.Random, text: str) -> str:
    """Sometimes add the inline formatting a deck author may use."""
    roll = rng.random()
    if roll < 0.08:
        return f"{text} (**key point**)"
    if roll < 0.12:
        return f"{text}; see *review* notes"
    if roll < 0.15:
        return f"{text} (`{rng.randint(1, 999)} mg`)"
    return text


def _sentence(rng: random.Random) -> str:
    drug = rng.choice(DRUGS).capitalize()
    return (
        f"{drug} {rng.choice(VERBS)} the {rng.choice(TARGETS)} in the "
        f"{rng.choice(TISSUES)} {_words(rng, 3, 12)}"
    )


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------
# Decks
# ---------------------------------------------------------------------------
def _deck_sizes(total: int) -> list[int]:
    sizes = [max(1, int(total * share)) for share in DECK_SHARES]
    sizes[0] += total - sum(sizes)
    return sizes


def _source_block(rng: random.Random, key: str, title: str) -> tuple[list[str], list[str], int]:
    sections = rng.sample(SECTION_NAMES, rng.randint(6, len(SECTION_NAMES)))
    n_refs = rng.randint(5, 20)
    lines = [f"  {key}:", f"    title: {_q(title)}", "    sections:"]
    lines += [f"      - {section}" for section in sections]
    lines.append("    references:")
    for number in range(1, n_refs + 1):
        lines.append(f"      {number}: {_q(_sentence(rng))}")
    return lines, sections, n_refs


def _card_lines(rng: random.Random, index: int, topic: str, sources: dict[str, Any]) -> list[str]:
    roll = rng.random()
    kind = "basic" if roll < 0.5 else "reversible" if roll < 0.75 else "cloze"
    lines = [f"  - id: {topic[:4]}-{index:05d}"]
    if kind != "basic" or rng.random() < 0.8:  # 'kind' is optional for basic cards
        lines.append(f"    kind: {kind}")
    lines.append(f"    topic: {topic}")
    lines.append(f"    tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]")
    key = rng.choice(list(sources))
    sections, n_refs = sources[key]
    citation = f"key: {key}, section: {rng.choice(sections)}"
    if rng.random() < 0.5:
        refs = sorted(rng.sample(range(1, n_refs + 1), rng.randint(1, min(3, n_refs))))
        citation += f", refs: [{', '.join(map(str, refs))}]"
    lines.append(f"    source: {{{citation}}}")
    drug = rng.choice(DRUGS)
    target = rng.choice(TARGETS)
    if kind == "basic":
        question = (
            f"Which target does {drug} {rng.choice(VERBS).rstrip('s')} in the "
            f"{rng.choice(TISSUES)}, according to the {_words(rng, 2, 8)} {topic} data?"
        )
        answer = _decorate(rng, f"The {target}, {_words(rng, 0, 10)}".rstrip(", "))
        lines.append(f"    question: {_q(_decorate(rng, question))}")
        lines.append(f"    answer: {_q(answer)}")
    elif kind == "reversible":
        front = f"{drug.capitalize()}: main {topic} feature ({_words(rng, 2, 6)})"
        back = f"{target} ({rng.choice(VERBS)}) {_words(rng, 1, 8)}"
        lines.append(f"    front: {_q(front)}")
        lines.append(f"    back: {_q(_decorate(rng, back))}")
    else:
        parts = [f"{drug.capitalize()} {rng.choice(VERBS)} the {{{{{target}}}}}"]
        for number in range(2, rng.randint(1, 3) + 1):
            fill = rng.choice(TISSUES)
            if rng.random() < 0.3:
                fill = f"{fill}::a region"
            if rng.random() < 0.1:
                fill = f"c{number}::{fill}"
            parts.append(f"in the {{{{{fill}}}}}")
        lines.append(f"    text: {_q(' '.join(parts) + ' ' + _words(rng, 3, 12) + '.')}")
    if rng.random() < 0.85:
        lines.append(f"    explain: {_q(_decorate(rng, _sentence(rng) + '. ' + _sentence(rng)))}")
    return lines


def write_decks(out: Path, total_cards: int, seed: int) -> list[Path]:
    """Write the library; returns the deck files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for number, size in enumerate(_deck_sizes(total_cards), start=1):
        deck_id = f"bench-{number:02d}"
        lines = [
            f"deck: {deck_id}",
            f"title: {_q(f'Pharmacology benchmark deck {number} ({size} cards)')}",
            "description: >-",
        ]
        lines += [f"  {_sentence(rng)}." for _ in range(3)]
        lines.append("sources:")
        sources: dict[str, Any] = {}
        for key, title in (("guide", "Study guide"), ("monograph", "Structured monograph")):
            block, sections, n_refs = _source_block(rng, key, f"{title} {number}")
            lines += block
            sources[key] = (sections, n_refs)
        lines.append("cards:")
        per_topic = max(1, size // len(TOPICS))
        for index in range(size):
            topic = TOPICS[min(index // per_topic, len(TOPICS) - 1)]
            if index % per_topic == 0:
                lines.append(f"  # ---------------- {topic} ----------------")
            lines += _card_lines(rng, index, topic, sources)
            lines.append("")
        path = out / f"{deck_id}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


# ---------------------------------------------------------------------------
# Review history
# ---------------------------------------------------------------------------
@dataclass(order=True)
class _Due:
    due: datetime
    seq: int
    key: tuple[str, str, str] = field(compare=False)


def _rating(rng: random.Random, state: Any, retrievability: float) -> int:
    from studyapp.core.study.scheduling import Rating, State

    if state.state is State.REVIEW:
        if rng.random() > retrievability * 0.98:
            return int(Rating.AGAIN)
        roll = rng.random()
        return int(Rating.HARD if roll < 0.12 else Rating.EASY if roll > 0.9 else Rating.GOOD)
    roll = rng.random()  # new, learning, relearning
    if roll < 0.15:
        return int(Rating.AGAIN)
    if roll < 0.25:
        return int(Rating.HARD)
    return int(Rating.EASY if roll > 0.95 else Rating.GOOD)


def simulate_history(
    prompts: list[tuple[str, str, str, str]],
    total_reviews: int,
    end: date,
    seed: int,
) -> tuple[list[tuple[Any, ...]], dict[tuple[str, str, str], Any]]:
    """Simulate a student studying every evening for a year.

    Returns the log rows (columns as ``Store.record_review`` writes them) and
    the final state of every studied prompt.
    """
    from studyapp.core.study.scheduling import CardState, Policy, State
    from studyapp.store.repository import to_iso

    rng = random.Random(seed + 1)
    policy = Policy(rng=random.Random(seed + 2))
    kinds = {p[:3]: p[3] for p in prompts}
    # New prompts come from the decks in proportion to their size, each in deck order.
    by_deck: dict[str, list[tuple[str, str, str]]] = {}
    for deck_id, card_id, sibling, _kind in prompts:
        by_deck.setdefault(deck_id, []).append((deck_id, card_id, sibling))
    for queue in by_deck.values():
        queue.reverse()  # pop() from the end = deck order
    states: dict[tuple[str, str, str], CardState] = {}
    learning: list[_Due] = []
    reviews: list[_Due] = []
    rows: list[tuple[Any, ...]] = []
    seq = 0
    first_day = end - timedelta(days=HISTORY_DAYS)
    days = [first_day + timedelta(days=i) for i in range(HISTORY_DAYS)]
    active = [d for d in days if rng.random() > 0.08]  # the student skips some days

    def review(key: tuple[str, str, str], now: datetime) -> datetime:
        nonlocal seq
        before = states.get(key, CardState())
        retrievability = policy.retrievability(before, now)
        rating = _rating(rng, before, retrievability)
        after = policy.review(before, rating, now)
        duration = rng.randint(2500, 20000)
        rows.append(
            (
                *key,
                to_iso(now),
                rating,
                duration,
                before.state.value,
                after.state.value,
                to_iso(after.due),
                after.stability,
                after.difficulty,
                kinds[key],
                None,
            )
        )
        states[key] = after
        seq += 1
        if not after.suspended:
            item = _Due(after.due, seq, key)
            if after.state in (State.LEARNING, State.RELEARNING):
                heapq.heappush(learning, item)
            else:
                heapq.heappush(reviews, item)
        return now + timedelta(milliseconds=duration + rng.randint(500, 4000))

    deck_ids = list(by_deck)
    weights = [len(by_deck[d]) for d in deck_ids]
    for index, day in enumerate(active):
        if len(rows) >= total_reviews:
            break
        budget = (total_reviews - len(rows)) / (len(active) - index)
        start = datetime(day.year, day.month, day.day, 17, tzinfo=UTC)
        now = start + timedelta(minutes=rng.randint(0, 300))
        day_end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1, hours=4)
        done = new_today = 0
        review_cap = int(budget * 1.5) + 20
        while len(rows) < total_reviews:
            if learning and learning[0].due <= now:
                now = review(heapq.heappop(learning).key, now)
            elif reviews and reviews[0].due < day_end and done < review_cap:
                now = review(heapq.heappop(reviews).key, now)
            elif done < budget and new_today < 60 and any(by_deck.values()):
                deck = rng.choices(deck_ids, weights)[0]
                if not by_deck[deck]:
                    deck = next(d for d in deck_ids if by_deck[d])
                now = review(by_deck[deck].pop(), now)
                new_today += 1
            elif learning and learning[0].due <= now + timedelta(minutes=20):
                now = review(heapq.heappop(learning).key, now)  # learn ahead
            elif learning and learning[0].due <= now + timedelta(hours=1):
                now = learning[0].due  # the student comes back a bit later
                continue
            else:
                break
            done += 1
    return rows, states


def write_database(
    db_path: Path, rows: list[tuple[Any, ...]], states: dict[tuple[str, str, str], Any]
) -> None:
    """Create the database through studyapp's own migrations and bulk-insert."""
    from studyapp.core.study.scheduling import CardState
    from studyapp.store import Store
    from studyapp.store.repository import to_iso

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with Store.open(db_path) as store:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating, "
            "duration_ms, state_before, state_after, scheduled_due, stability, difficulty, "
            "kind, answer) VALUES (?, ?, ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO card_state (deck_id, card_id, sibling, state, step, stability, "
            "difficulty, due, last_review, lapses, reps, suspended, leech) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    *key,
                    s.state.value,
                    s.step,
                    s.stability,
                    s.difficulty,
                    to_iso(s.due),
                    to_iso(s.last_review),
                    s.lapses,
                    s.reps,
                    int(s.suspended),
                    int(s.leech),
                )
                for key, s in states.items()
                if s != CardState()
            ),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")


def verify(db_path: Path, sample: int = 0) -> int:
    """Replay the log with studyapp's own replay and compare with card_state.

    Returns the number of mismatching prompts (0 expected)."""
    from studyapp.core.study.scheduling import Policy
    from studyapp.store import Store

    with Store.open(db_path) as store:
        replayed = store.replay_states(Policy())
        keys = list(replayed)
        bad = 0
        for key in keys if not sample else keys[:sample]:
            stored = store.card_state(key)
            mine = replayed[key]
            if stored != mine:
                bad += 1
                if bad <= 3:
                    print(f"mismatch {key}:\n  stored   {stored}\n  replayed {mine}")
        return bad


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------
def manifest_params(cards: int, reviews: int, seed: int, end: date) -> dict[str, Any]:
    return {
        "generator_version": GENERATOR_VERSION,
        "cards": cards,
        "reviews": reviews,
        "seed": seed,
        "end": end.isoformat(),
    }


def generate(
    out: Path,
    *,
    cards: int = DEFAULT_CARDS,
    reviews: int = DEFAULT_REVIEWS,
    seed: int = DEFAULT_SEED,
    end: date | None = None,
    check: bool = False,
) -> dict[str, Any]:
    """Write decks, database and manifest under ``out``; return the manifest."""
    from studyapp.core.kinds import KINDS
    from studyapp.core.library import load_library

    end = end or datetime.now(UTC).date()
    started = time.perf_counter()
    decks_dir = out / "decks"
    if decks_dir.exists():
        shutil.rmtree(decks_dir)
    files = write_decks(decks_dir, cards, seed)
    library = load_library([decks_dir])
    problems = [d.format() for r in library.results for d in r.errors]
    if problems:
        raise SystemExit("generated decks do not load:\n" + "\n".join(problems[:10]))
    prompts = [
        (deck.id, card.id, sibling, card.kind)
        for deck in library.decks
        for card in deck.cards
        for sibling in KINDS[card.kind].siblings(card)
    ]
    t_decks = time.perf_counter() - started
    rows, states = simulate_history(prompts, reviews, end, seed)
    t_sim = time.perf_counter() - started - t_decks
    home = out / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(home / "cache", ignore_errors=True)
    write_database(home / "studyapp.db", rows, states)
    by_state: dict[str, int] = {}
    for state in states.values():
        by_state[state.state.value] = by_state.get(state.state.value, 0) + 1
    manifest = {
        **manifest_params(cards, reviews, seed, end),
        "files": [p.name for p in files],
        "bytes": sum(p.stat().st_size for p in files),
        "cards_loaded": sum(len(d.cards) for d in library.decks),
        "prompts": len(prompts),
        "reviews_written": len(rows),
        "first_review": rows[0][3] if rows else None,
        "last_review": rows[-1][3] if rows else None,
        "prompt_states": by_state,
        "suspended": sum(1 for s in states.values() if s.suspended),
        "seconds": {
            "decks": round(t_decks, 2),
            "simulation": round(t_sim, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }
    if check:
        manifest["verify_mismatches"] = verify(home / "studyapp.db")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def ensure(out: Path, *, end: date | None = None, **params: Any) -> dict[str, Any]:
    """Reuse the data under ``out`` if it matches the parameters, else regenerate."""
    end = end or datetime.now(UTC).date()
    wanted = manifest_params(
        params.get("cards", DEFAULT_CARDS),
        params.get("reviews", DEFAULT_REVIEWS),
        params.get("seed", DEFAULT_SEED),
        end,
    )
    manifest_path = out / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (
            all(manifest.get(k) == v for k, v in wanted.items())
            and (out / "home" / "studyapp.db").is_file()
        ):
            return manifest
    except (OSError, ValueError):
        pass
    return generate(out, end=end, **params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--cards", type=int, default=DEFAULT_CARDS)
    parser.add_argument("--reviews", type=int, default=DEFAULT_REVIEWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="the history ends the day before this date (default: today, UTC)",
    )
    parser.add_argument(
        "--verify", action="store_true", help="replay the log and compare with card_state"
    )
    args = parser.parse_args(argv)
    manifest = generate(
        args.out,
        cards=args.cards,
        reviews=args.reviews,
        seed=args.seed,
        end=args.end,
        check=args.verify,
    )
    print(json.dumps(manifest, indent=2))
    return 1 if manifest.get("verify_mismatches") else 0


if __name__ == "__main__":
    sys.exit(main())
