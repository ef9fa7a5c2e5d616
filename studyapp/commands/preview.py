"""Print every card of a deck, front and back of every prompt, for proofreading.

DECK is a deck id (from the configured deck folders) or the path of a deck
file. Each card shows its id, kind, topic, tags, line, source, explain and evidence
level, then the front and back of each prompt it generates (a reversible card has
two, a cloze card one per deletion). Colours only on a terminal, so the
output can be piped to a file; FORCE_COLOR=1 keeps them for a pager:
FORCE_COLOR=1 studyapp preview pharm | less -R
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from studyapp.app.config import Paths, Settings
    from studyapp.core.deck.model import Deck

NAME = "preview"
HELP = "print every card of a deck (front and back of every prompt) for proofreading"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", metavar="DECK", help="a deck id or a deck file")


def run(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    deck = find_deck(args.deck, paths, settings)
    if deck is None:
        return 1
    from rich.console import Console

    print_deck(Console(highlight=False), deck)
    return 0


def find_deck(name: str, paths: Paths, settings: Settings) -> Deck | None:
    """The deck called ``name`` (a file or an id), or ``None`` after saying why
    (also used by ``studyapp try``)."""
    from studyapp.core.library import load_library

    path = Path(name)
    if path.is_dir():
        print(f"studyapp: {name} is a folder; give a deck file or a deck id", file=sys.stderr)
        return None
    if path.exists():
        result = load_library([path]).results[0]
        if result.deck is None:
            for diagnostic in result.errors:
                print(diagnostic.format(), file=sys.stderr)
            print(f"studyapp: {name} has errors; fix them to preview it", file=sys.stderr)
        return result.deck
    from studyapp.app.services import load_decks

    library = load_decks(paths, settings)
    deck = library.deck(name)
    if deck is None:
        known = ", ".join(d.id for d in library.decks) or "none"
        print(f"studyapp: no deck file or deck id '{name}' (decks: {known})", file=sys.stderr)
    return deck


def print_deck(console: Console, deck: Deck) -> None:
    """Every card of ``deck``; deck text goes in as ``Text``, never markup."""
    from rich.text import Text

    from studyapp.core.deck.evidence import evidence_line
    from studyapp.core.study.search import faces_of
    from studyapp.render.card_text import spans_to_text

    count = len(deck.cards)
    header = Text()
    header.append(deck.title, style="bold")
    header.append(f"  ({deck.id}, {count} card{'s' * (count != 1)}, {deck.path})", style="dim")
    console.print(header)
    if deck.description:
        console.print(Text(deck.description, style="italic"))
    for card in deck.cards:
        title = Text()
        title.append(card.id, style="bold")
        title.append(f" · {card.kind} · ", style="dim")
        title.append(card.topic, style="magenta")
        console.print()
        console.rule(title, align="left", style="cyan")
        meta = Text(f"{deck.path}:{card.line}", style="dim")
        if card.tags:
            meta.append("  tags: ", style="dim")
            meta.append(", ".join(card.tags))
        console.print(meta)
        if card.source is not None:
            console.print(Text.assemble(("Source: ", "bold"), card.source.label(deck)))
        caveat = deck.caveat_for(card)
        if caveat:
            console.print(Text.assemble(("Caveat: ", "bold"), caveat))
        faces = faces_of(card)
        for sibling, face in faces:
            if len(faces) > 1:
                console.print(Text(f"[{sibling}]", style="bold cyan"))
            console.print(Text.assemble(("Front: ", "bold"), spans_to_text(face.front)))
            console.print(Text.assemble(("Back:  ", "bold"), spans_to_text(face.back)))
        if card.explain:
            console.print(Text.assemble(("Why:   ", "bold"), card.explain))
        if card.evidence:
            console.print(Text.assemble(("Evidence: ", "bold"), evidence_line(card.evidence)))
