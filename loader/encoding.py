"""A CSV file's text encoding, found by decoding the whole file, and its UTF-8 copy."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

# Bytes per chunk when the whole file is decoded to find its encoding.
ENCODING_CHUNK = 4 << 20
# Bytes handed to charset-normalizer when neither UTF-8 nor GB18030 decodes the file.
ENCODING_SAMPLE = 1 << 20
TRANSCODE_CHUNK = 4 << 20


def detect_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-16`, `utf-8`, `gb18030`, or else what charset-normalizer finds.

    The whole file is decoded (in chunks), not a sample: an export whose first megabyte is
    ASCII (codes and numbers) and whose names come later is GBK all the same. Chinese Excel
    saves CSV in GBK (GB18030 is its superset); a short GBK file is easily mistaken for
    another code page by a detector, so GB18030 is tried before guessing.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's 「Unicode 文本」
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    with path.open("rb") as fh:
        sample = fh.read(ENCODING_SAMPLE)
    best = from_bytes(sample).best()
    return best.encoding if best else "gb18030"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(ENCODING_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def transcode(path: Path, encoding: str, target: Path) -> None:
    """Rewrite a non-UTF-8 CSV as UTF-8 in chunks (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))


def has_quotes(path: Path) -> bool:
    """Whether the file quotes any cell (a quoted cell may hold a line break: Alt+Enter)."""
    with path.open("rb") as fh:
        while chunk := fh.read(TRANSCODE_CHUNK):
            if b'"' in chunk:
                return True
    return False
