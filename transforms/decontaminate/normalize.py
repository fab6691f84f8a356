"""The text benchmarks are matched on: lowercased, every whitespace run removed.

StarCoder2 matched benchmark items "ignoring whitespace"; BigCode's decontamination
script for The Stack lowercased both sides. Both are done here, so CRLF line ends,
tabs, re-indentation, re-wrapped docstrings and a changed case do not hide an item.
Whitespace is what ``str.split()`` splits on (``str.isspace``: Unicode whitespace).
"""

from __future__ import annotations

from typing import List, Tuple


def normalize(text: str) -> str:
    """``text`` with every whitespace character removed, then lowercased."""
    return "".join(text.split()).lower()


def normalize_with_offsets(text: str) -> Tuple[str, List[int]]:
    """``(normalize(text), offsets)``: ``offsets[i]`` is the index in ``text`` of the
    character that gave the normalized text's character ``i``. Per character, in
    Python: used only to report where a match is, once the fast path found one."""
    kept = [index for index, char in enumerate(text) if not char.isspace()]
    normalized = "".join(text[index] for index in kept).lower()
    if len(normalized) == len(kept):
        return normalized, kept
    offsets: List[int] = []  # lowercasing made two characters of one (e.g. U+0130): both point at it
    for index in kept:
        offsets.extend([index] * len(text[index].lower()))
    return normalized, offsets[: len(normalized)] + [kept[-1]] * (len(normalized) - len(offsets))
