"""Writing files so that a crash never leaves half of one, and hashing them for the audit."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

PREVIOUS = ".previous"
"""The folder, beside a file people edit, that keeps its version before the last rewrite."""


def write_text(path: Path, text: str, *, backup: bool = False) -> None:
    """Write UTF-8 text with LF line endings, atomically: the text goes to a temporary file
    beside ``path``, is flushed to disk, and then replaces it, so a reader (or a crash)
    sees the old file or the new one, never part of either. Parent directories are
    created. With ``backup``, the file's current version is first kept in ``.previous/``
    beside it (for files people edit)."""
    write_bytes(path, text.encode("utf-8"), backup=backup)


def write_bytes(path: Path, data: bytes, *, backup: bool = False) -> None:
    """Write bytes atomically (see :func:`write_text`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if backup and path.is_file():
        write_bytes(path.parent / PREVIOUS / path.name, path.read_bytes())
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
