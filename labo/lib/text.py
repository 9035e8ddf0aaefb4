"""Text made safe to keep and to put anywhere: no control characters, bounded lengths."""

from __future__ import annotations

import re

# C0 controls and DEL, except tab and newline (the carriage return is one of them, but
# clean_text turns Windows (\r\n) and old Mac (\r) line ends into \n first).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_ENDS = re.compile(r"\r\n?")
_WHITESPACE_RUN = re.compile(r"\s+")

# Lengths of stored text, generous for a person typing, bounded for pages, exports and the
# search index. A short text (an idea, a post-it, a comment) is what fits on a card.
SHORT_TEXT = 2_000
# A long text (objectives, a debrief, a report's section) is a few pages.
LONG_TEXT = 10_000


def clean_text(value: str) -> str:
    """The text without control characters (tab and newline kept), line ends as \\n."""
    return _CONTROLS.sub("", _LINE_ENDS.sub("\n", value))


def has_controls(value: str) -> bool:
    """Whether clean_text would change the text."""
    return _CONTROLS.search(value) is not None


def one_line(value: str) -> str:
    """The text on one line: control characters removed, any run of whitespace one space."""
    return _WHITESPACE_RUN.sub(" ", clean_text(value)).strip()
