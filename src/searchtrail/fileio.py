"""Writing files so that a crash never leaves half of one, and hashing them for the audit."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import mmap
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Final

from searchtrail.errors import Problem, ReviewError

PREVIOUS: Final = ".previous"
"""The folder, beside a file people edit, that keeps its versions before searchtrail's last
rewrites of it."""
VERSIONS_KEPT: Final = 5
"""How many earlier versions of a file people edit are kept in ``.previous/``: the last one
as ``.previous/<name>``, the ones before it as ``<name>.1`` (next older) to ``<name>.4``."""

FLUSH_EVERY: Final = 32 << 20
"""Bytes :func:`chunk_writer` writes through the system's file cache before it has the
system put them on the disk (see :class:`_DiskWriter`)."""
DIRECT_BUFFER: Final = 8 << 20
"""Bytes :func:`chunk_writer` gathers before it writes them to the disk."""
DIRECT_BLOCK: Final = 4096
"""The block that writes straight to the disk must start and end on: disks' blocks are 512
or 4,096 bytes, and 4,096 is a whole number of either."""

_DATA_SYNC: Final = getattr(os, "fdatasync", os.fsync)  # macOS and Windows have only fsync


def write_text(path: Path, text: str, *, backup: bool = False) -> None:
    """Write UTF-8 text with LF line endings, atomically: the text goes to a temporary file
    beside ``path``, is flushed to disk, and then replaces it, so a reader (or a crash)
    sees the old file or the new one, never part of either. Parent directories are
    created. With ``backup``, the file's current version is first kept in ``.previous/``
    beside it (for files people edit; see :func:`keep_previous`), unless it is what is
    about to be written.

    A file that exists keeps its permission bits (and its group, where the user may set
    it); a new one gets the usual ``0666`` less the umask. A path that is a symbolic link
    (to a copy a team shares, say) is written through: its target is replaced, atomically
    in the target's folder, and the link stays."""
    write_bytes(path, text.encode("utf-8"), backup=backup)


def write_bytes(path: Path, data: bytes, *, backup: bool = False) -> None:
    """Write bytes atomically (see :func:`write_text`)."""
    refused = cannot_write(path, backup=backup)
    if refused is not None:
        raise ReviewError([refused])
    target = _written_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if backup and target.is_file():
        current = target.read_bytes()
        if current != data:
            keep_previous(path, current)
            with contextlib.suppress(OSError):
                (path.parent / PREVIOUS / path.name).chmod(stat.S_IMODE(target.stat().st_mode))
    _replace(target, (data,))


def _replace(target: Path, pieces: Iterable[bytes | memoryview]) -> None:
    """Write ``pieces`` to a temporary file beside ``target``, flush it to disk and put it
    in ``target``'s place, keeping an existing file's owner and mode."""
    with _replacing(target) as stream:
        for piece in pieces:
            stream.write(piece)


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``target``, open for writing: when the block ends, flushed
    to disk and put in ``target``'s place (keeping an existing file's owner and mode); if
    the block fails, removed."""
    try:
        before: os.stat_result | None = target.stat()
    except FileNotFoundError:
        before = None
    descriptor, temporary = _temporary_beside(target)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            if before is not None:
                _keep_owner_and_mode(stream.fileno(), temporary, before)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def cannot_write(path: Path, *, backup: bool = False) -> Problem | None:
    """Why ``path`` cannot be written (with ``backup``: its versions kept), or None: a file
    made read-only, a folder where the file or ``.previous`` should be, a folder that cannot
    be written. Checked before anything is written, so a command that writes several files
    can stop with none of them changed."""
    target = _written_path(path)
    why = None
    if target.is_dir():
        why = "it is a folder, not a file"
    elif target.exists() and (
        not target.stat().st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)
    ):
        why = "the file is read-only: make it writable to let searchtrail change it"
    elif target.parent.is_dir() and not os.access(target.parent, os.W_OK | os.X_OK):
        why = f"its folder {target.parent} cannot be written"
    elif backup:
        folder = path.parent / PREVIOUS
        if folder.exists() and not folder.is_dir():
            why = f"{folder} is a file, where searchtrail keeps earlier versions: move it away"
        elif (folder / path.name).is_dir():
            why = f"{folder / path.name} is a folder, where searchtrail keeps the last version"
    if why is None:
        return None
    return Problem.of_file(str(path), "a file searchtrail may write", why)


def keep_previous(path: Path, data: bytes) -> None:
    """Keep ``data`` (the version of ``path`` about to be replaced) as
    ``.previous/<name>``, moving the versions kept before it one place back
    (``<name>`` to ``<name>.1``, ... ; the oldest of :data:`VERSIONS_KEPT` is dropped).
    A version the same as the last one kept is not kept twice, so a person's original
    survives several rewrites by searchtrail."""
    folder = path.parent / PREVIOUS
    latest = folder / path.name
    if latest.is_file() and latest.read_bytes() == data:
        return
    older = [latest, *(folder / f"{path.name}.{n}" for n in range(1, VERSIONS_KEPT))]
    for newer, next_older in reversed(list(itertools.pairwise(older))):
        if newer.is_file():
            newer.replace(next_older)
    write_bytes(latest, data)


def _written_path(path: Path) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or what its symbolic link
    leads to."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():
        raise ReviewError(
            [
                Problem.of_file(
                    str(path),
                    "a file, or a symbolic link that leads to one",
                    "it is a symbolic link that leads round in a loop",
                )
            ]
        )
    return target


def _keep_owner_and_mode(descriptor: int, temporary: Path, before: os.stat_result) -> None:
    """Give the new file the group (where allowed) and permission bits of the one it
    replaces, so the people who could read a shared decision file still can."""
    fchown = getattr(os, "fchown", None)
    if fchown is not None and before.st_gid != os.fstat(descriptor).st_gid:
        with contextlib.suppress(OSError):
            fchown(descriptor, -1, before.st_gid)
    temporary.chmod(stat.S_IMODE(before.st_mode))


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new file in ``target``'s folder, open for writing, created with mode 0666 so the
    umask decides a new file's permissions as it does for any program's files."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def write_chunks(path: Path, chunks: Iterable[str | bytes | memoryview]) -> None:
    """Write UTF-8 text given piece by piece (as text, or as bytes already encoded),
    atomically as :func:`write_text` does, so a file too large to hold in memory as one
    string (a million records as RIS) is never seen half written."""
    with chunk_writer(path) as write:
        for chunk in chunks:
            write(chunk)


@contextlib.contextmanager
def chunk_writer(path: Path) -> Iterator[Callable[[str | bytes | memoryview], None]]:
    """A function that writes the next piece of ``path`` (see :func:`write_chunks`); the
    file takes its place, whole, when the block ends. Each piece is written while the next
    one is being made, by a thread that hands the bytes to the disk (:class:`_DiskWriter`)."""
    refused = cannot_write(path)
    if refused is not None:
        raise ReviewError([refused])
    target = _written_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _replacing(target) as stream, ThreadPoolExecutor(max_workers=1) as thread:
        disk = _DiskWriter(stream.fileno())
        pending: list[Future[None]] = []

        def write(chunk: str | bytes | memoryview) -> None:
            if pending:
                pending.pop().result()
            pending.append(thread.submit(disk.write, _encoded(chunk)))

        yield write
        if pending:
            pending.pop().result()
        disk.finish()


class _DiskWriter:
    """Writes a large file's bytes to the disk as they come, in whole blocks.

    The file must be on the disk before it takes its place (else a crash could leave an
    empty file under the name). Where the system allows it, the bytes go straight from
    this process's memory to the disk (``O_DIRECT``), without a copy in the system's file
    cache: they would be flushed to the disk anyway, and a copy of a large file (a million
    records write 3.4 GB) costs memory the system must first find and clear, several
    seconds a gigabyte on a virtual machine whose host takes back the memory its guest
    frees. Such writes must start and end on the disk's blocks and come from memory
    aligned to them, so the bytes are gathered in an aligned buffer of :data:`DIRECT_BUFFER`
    bytes and written when it is full; the last piece, less than a block, goes through
    the cache.

    Where writes straight to the disk are refused (a file system in memory, or one over
    the network, may refuse them at the first write), the bytes go through the file cache,
    and every :data:`FLUSH_EVERY` bytes this writer waits until they are on the disk, while
    the next piece is being made, so that the command does not wait seconds for one flush
    of the whole file at the end."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.direct = _write_direct(descriptor, on=True)
        self.buffer = mmap.mmap(-1, DIRECT_BUFFER)  # page-aligned, as direct writes need
        self.filled = 0
        self.unsynced = 0  # bytes written through the cache since the last sync

    def write(self, data: bytes | memoryview) -> None:
        view = memoryview(data).cast("B")
        while view:
            taken = min(len(view), DIRECT_BUFFER - self.filled)
            self.buffer[self.filled : self.filled + taken] = view[:taken]
            self.filled += taken
            view = view[taken:]
            if self.filled == DIRECT_BUFFER:
                self._empty_buffer()

    def finish(self) -> None:
        """Write what the buffer still holds (the caller then syncs the file): its whole
        blocks as the rest, the last part of a block through the file cache."""
        tail = self.filled % DIRECT_BLOCK if self.direct else self.filled
        last = bytes(self.buffer[self.filled - tail : self.filled])
        self.filled -= tail
        if self.filled:
            self._empty_buffer()
        if self.direct:
            self.direct = _write_direct(self.descriptor, on=False)
        self.buffer.close()
        _write_all(self.descriptor, last)

    def _empty_buffer(self) -> None:
        data = memoryview(self.buffer)[: self.filled]
        while data and self.direct:
            try:
                data = data[os.write(self.descriptor, data) :]
            except OSError as error:
                if error.errno != errno.EINVAL:
                    raise
                self.direct = _write_direct(self.descriptor, on=False)
        if data:
            _write_all(self.descriptor, data)
            self.unsynced += len(data)
            if self.unsynced >= FLUSH_EVERY:
                _DATA_SYNC(self.descriptor)
                self.unsynced = 0
        data.release()
        self.filled = 0


def _write_direct(descriptor: int, *, on: bool) -> bool:
    """Have the writes to an open file go straight to the disk (``on``) or through the
    system's file cache; whether they now go straight to the disk. Systems without
    ``O_DIRECT`` (macOS, Windows), and file systems that refuse it, write through the
    cache."""
    flag = getattr(os, "O_DIRECT", 0)
    if not flag:
        return False
    import fcntl  # noqa: PLC0415 (where there is O_DIRECT, there is fcntl; not on Windows)

    try:
        flags = fcntl.fcntl(descriptor, fcntl.F_GETFL)
        fcntl.fcntl(descriptor, fcntl.F_SETFL, flags | flag if on else flags & ~flag)
    except OSError:
        return False
    return on


def _write_all(descriptor: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _encoded(chunk: str | bytes | memoryview) -> bytes | memoryview:
    """A piece of text as UTF-8 bytes (bytes are taken as they are)."""
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
