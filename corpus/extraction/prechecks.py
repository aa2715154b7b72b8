"""When cheap substring and lowercase tests may stand in for a case-insensitive
pattern: callers test first and run the pattern only when it could match."""

from __future__ import annotations

__all__ = ["CASE_TRAPS", "char_positions", "has_case_traps"]

# Characters that case-insensitive patterns match as ASCII letters but that
# str.lower() does not turn into those letters ("ſ" is an "s" to the regex).
CASE_TRAPS = ("\u017f", "\u0131", "\u0130", "\u212a")


def has_case_traps(text: str) -> bool:
    """Whether lowercased substring tests may miss what a re.IGNORECASE pattern
    finds in `text`: callers that pre-check with them run the pattern anyway."""
    # str.isascii() reads a flag CPython keeps on every string: no scan.
    return not text.isascii() and any(trap in text for trap in CASE_TRAPS)


def char_positions(text: str, chars: str) -> list[int]:
    """Sorted offsets of every occurrence of any of `chars` in `text`, found
    with str.find (a C loop): for a few rare characters, many times faster
    than a regex character class, which the engine tests at every offset."""
    positions: list[int] = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            positions.append(at)
            at = text.find(char, at + 1)
    positions.sort()
    return positions
