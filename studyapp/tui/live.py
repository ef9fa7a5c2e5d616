"""Live reload of deck files and ``e`` to edit a card in ``$EDITOR``.

The app polls the deck files' stamps (modification time and size) on a
timer; when one changed it reloads the library, reports the files that no
longer load, and tells every screen on the stack (a screen that holds decks
defines ``library_reloaded()``). The diffing is pure, in :mod:`studyapp.core.library.reload`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.notifications import Notification, SeverityLevel

from studyapp.core.library.reload import changed_paths, new_errors, new_warnings, stamps

if TYPE_CHECKING:
    from studyapp.core.deck.model import Card, Deck
    from studyapp.tui.app import StudyApp

__all__ = ["edit_card", "editor_command", "poll_decks", "reload_decks"]


def poll_decks(app: StudyApp) -> list[str]:
    """Reload if a deck file was saved, added or removed since the last poll;
    return the changed paths."""
    now = stamps(app.settings.deck_dirs)
    changed = changed_paths(app.deck_stamps, now)
    app.deck_stamps = now
    if changed:
        reload_decks(app, changed)
    return changed


NOTICE_SECONDS = {"error": 8.0, "warning": 6.0, "information": 3.0}
"""How long a reload's notice stays: long enough to read a deck error."""


def reload_decks(app: StudyApp, changed: list[str]) -> None:
    """Reload the library, report broken files among ``changed``, update the screens.

    What a reload says replaces what the previous one said: a warning or an
    error fixed by this save does not stay on screen.
    """
    app.reload_library()
    errors = new_errors(app.library, changed)
    notices = [
        _notice(
            f"{error.message()}\nThe last good version stays in use.",
            "error",
            title="Deck not reloaded",
        )
        for error in errors
    ]
    if not errors:
        names = ", ".join(os.path.basename(path) for path in changed)
        warnings = new_warnings(app.library, changed)
        if warnings:
            shown = [w.format() for w in warnings[:3]]
            if len(warnings) > 3:
                shown.append(f"... {len(warnings) - 3} more: studyapp check lists them all")
            title = f"Reloaded {names}: {len(warnings)} warning{'s' * (len(warnings) != 1)}"
            notices.append(_notice("\n".join(shown), "warning", title=title))
        else:
            notices.append(_notice(f"Reloaded {names}", "information"))
    app.replace_notices(app.reload_notices, notices)
    app.reload_notices = notices
    for screen in list(app.screen_stack):
        hook = getattr(screen, "library_reloaded", None)
        if callable(hook):
            hook()


def _notice(message: str, severity: SeverityLevel, *, title: str = "") -> Notification:
    return Notification(message, title, severity, NOTICE_SECONDS[severity], markup=False)


def editor_command(env: Mapping[str, str], path: str, line: int) -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` (default ``vi``), split like a shell would,
    with ``+LINE PATH``. ``ValueError`` if the variable cannot be split."""
    value = env.get("VISUAL", "").strip() or env.get("EDITOR", "").strip() or "vi"
    words = shlex.split(value)
    if not words:
        raise ValueError(f"cannot run the editor {value!r}")
    return [*words, f"+{line}", path]


def edit_card(app: StudyApp, deck: Deck, card: Card) -> bool:
    """Open the deck file at ``card``'s line in the editor, then reload.
    Returns whether the editor ran; says why in a notification if not."""
    from textual.app import SuspendNotSupported

    try:
        command = editor_command(os.environ, deck.path, card.line)
    except ValueError as exc:
        app.notify(f"$EDITOR: {exc}", severity="error", markup=False)
        return False
    failure: OSError | None = None
    status = 0
    try:
        with app.suspend():
            try:
                status = subprocess.run(command, check=False).returncode
            except OSError as exc:  # not found, not executable
                failure = exc
    except SuspendNotSupported:
        app.notify("Cannot open an editor from this terminal.", severity="error")
        return False
    if failure is not None:
        reason = failure.strerror or str(failure)
        app.notify(
            f"Could not start the editor '{command[0]}': {reason}. Set $EDITOR (or $VISUAL).",
            severity="error",
            markup=False,
        )
        return False
    if status != 0:
        app.notify(f"The editor exited with status {status}.", severity="warning", markup=False)
    poll_decks(app)
    return True
