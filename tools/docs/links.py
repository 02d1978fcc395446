"""Markdown links between the docs: the file a link names exists, and so does its #anchor.

A link's anchor is the slug GitHub gives a heading: lower case, code ticks and
punctuation dropped (hyphens and underscores kept), spaces as hyphens, and a
heading that repeats an earlier one's slug gets `-1`, `-2`, ... Links to web
addresses are not followed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LINK = re.compile(r"\]\(([^()\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def slug(heading: str) -> str:
    """The anchor GitHub makes of a heading's text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """Every heading anchor of a markdown file (headings inside fenced code are not headings)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in path.read_text().splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def broken_links(file: Path, line: str) -> list[str]:
    """One message per link in `line` (a line of `file`) whose file or anchor does not exist."""
    messages = []
    for target in LINK.findall(line):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
            continue
        path_part, _, anchor = target.partition("#")
        linked = (file.parent / path_part).resolve() if path_part else file
        if not linked.exists():
            messages.append(f"the link ({target}) names no such file")
            continue
        if anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            messages.append(f"the link ({target}) names no heading #{anchor} in {linked.name}")
    return messages
