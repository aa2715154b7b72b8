"""Reading article files into text exactly as stored (no newline or Unicode folding).

Pure Python: used by the seed loader and by ingest, so both store the same text
and offsets computed by `extract` match what the database holds.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MAX_ARTICLE_BYTES", "ArticleReadError", "decode_article", "read_article"]

# Larger files are not news articles (a PDF dump, a log); refuse them early.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024

# Tried in order after UTF-8: the usual encodings of Chinese news pages.
FALLBACK_ENCODINGS: tuple[str, ...] = ("gb18030", "big5")


class ArticleReadError(ValueError):
    """An article file that cannot be read as text; the message names the file."""


def decode_article(
    data: bytes, *, name: str, fallback_encodings: tuple[str, ...] = ()
) -> str:
    if not data.strip():
        raise ArticleReadError(f"{name}: the file is empty")
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleReadError(
            f"{name}: {len(data)} bytes is over the {MAX_ARTICLE_BYTES}-byte limit"
        )
    if b"\x00" in data:
        raise ArticleReadError(f"{name}: binary file (contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        for encoding in fallback_encodings:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        tried = ", ".join(("utf-8", *fallback_encodings))
        raise ArticleReadError(
            f"{name}: not valid text in {tried} (byte {exc.start}: {exc.reason})"
        ) from exc


def read_article(path: Path, *, fallback_encodings: tuple[str, ...] = ()) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleReadError(f"{path}: cannot read ({exc.strerror})") from exc
    return decode_article(data, name=str(path), fallback_encodings=fallback_encodings)
