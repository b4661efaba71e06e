"""Files wblqa reads: regular files under a size limit per kind, read with that limit.

A FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a folder given
where a file is read is refused at once, before anything is read (a named pipe
is opened without waiting for a writer, then refused); so is a file larger
than its kind's limit (``data/limits.toml``). Standard input (``-``, where a
command takes it) is read through the same limit, and refused when it is a
device. Nothing here waits, and nothing reads more than the limit.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from wblqa_cli.errors import InputError

#: Each kind of input and the words a message uses for it.
KINDS = {
    "answers": "an answers file",
    "arrangement": "an arrangement file",
    "programmes": "a programmes CSV",
    "records": "a records CSV",
}
_MIB = 1 << 20


@functools.cache
def limit(kind: str) -> int:
    """The largest file of ``kind`` wblqa reads, in bytes (``data/limits.toml``)."""
    from wblqa_cli.rules import table

    files = table("limits.toml").table("files")
    assert files is not None
    return int(files.integer(f"{kind}_mib", minimum=1)) * _MIB


@functools.cache
def largest_count() -> int:
    """The largest count an option (``--limit``, ``--last``) takes (``data/limits.toml``)."""
    from wblqa_cli.rules import table

    counts = table("limits.toml").table("counts")
    assert counts is not None
    return int(counts.integer("largest", minimum=1))


def size_text(size: int) -> str:
    """``2.0 GiB``, ``512 KiB``: a size as a message shows it."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def _what(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover


def _refused(name: str, why: str, stdin: bool) -> InputError:
    from wblqa_cli.safetext import clip

    also = "; to read a pipe, give - and send it to standard input" if stdin else ""
    return InputError(f"{clip(name)}: {why}; wblqa reads regular files{also}.")


def _too_large(name: str, kind: str, size: int | None) -> InputError:
    from wblqa_cli.safetext import clip

    has = f" ({size_text(size)})" if size is not None else ""
    return InputError(
        f"{clip(name)}{has} is larger than wblqa reads for {KINDS[kind]} "
        f"({size_text(limit(kind))}).",
        hint="Check that this is the file you meant; the limits are in data/limits.toml.",
    )


def open_file(name: str, kind: str, *, stdin: bool = False) -> IO[bytes]:
    """``name`` opened for reading if it is a regular file within ``kind``'s limit.

    ``stdin``: the command also takes ``-`` (the caller handles it); only the
    message changes. Refused at once: a missing file, a folder, a FIFO (opened
    without blocking, so no writer is waited for), a device, a socket, a file
    over the limit.
    """
    import errno

    from wblqa_cli.safetext import clip

    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{clip(name)}: no such file.") from None
    except IsADirectoryError:
        raise _refused(name, "is a folder", stdin) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{clip(name)}: its symbolic links loop.") from None
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing only
            raise _refused(name, "is not a regular file", stdin) from None
        raise InputError(f"{clip(name)}: cannot be read ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        what = _what(info.st_mode)
        if what is not None:
            raise _refused(name, f"is {what}", stdin)
        if info.st_size > limit(kind):
            raise _too_large(name, kind, info.st_size)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")  # its size is checked: read at full speed
    except BaseException:
        os.close(fd)
        raise


def read_text(name: str, kind: str) -> str:
    """The whole of a UTF-8 text file of ``kind`` (a BOM is dropped)."""
    from wblqa_cli.safetext import clip

    with open_file(name, kind) as stream:
        data = stream.read()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{clip(name)}: not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8."
        ) from None


def standard_input(kind: str) -> IO[bytes]:
    """Standard input (``-``) as bytes, read through ``kind``'s limit; a device is refused."""
    import sys

    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream without a buffer (some test harnesses)
        import io

        raw = io.BytesIO(sys.stdin.read().encode("utf-8"))
    try:
        mode = os.fstat(raw.fileno()).st_mode
    except (OSError, AttributeError, ValueError):  # io.BytesIO and the like: no descriptor
        mode = stat.S_IFIFO
    if stat.S_ISCHR(mode) and not sys.stdin.isatty():
        raise InputError(
            "Standard input (-) is a device, not a file or a pipe; give a file name, or "
            "send the file to standard input (< FILE)."
        )
    return Limited(raw, "<stdin>", kind)  # type: ignore[return-value]


class Limited:
    """A binary stream that refuses to give more than ``kind``'s limit."""

    def __init__(self, raw: Any, name: str, kind: str) -> None:
        self._raw = raw
        self._name = name
        self._kind = kind
        self._left = limit(kind)

    def _take(self, method: str, size: int | None) -> bytes:
        """At most one byte beyond the limit is asked for: enough to know it was passed."""
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        data: bytes = getattr(self._raw, method)(want)
        self._left -= len(data)
        if self._left < 0:
            raise _too_large(self._name, self._kind, None)
        return data

    def read(self, size: int = -1) -> bytes:
        return self._take("read", size)

    def readline(self, size: int = -1) -> bytes:
        return self._take("readline", size)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> Limited:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


@contextmanager
def opened(name: str, kind: str, *, stdin: bool) -> Iterator[tuple[IO[bytes], str]]:
    """``name`` (or ``-``, standard input, when ``stdin``) as (stream, display name)."""
    if stdin and name == "-":
        yield standard_input(kind), "<stdin>"
        return
    with open_file(name, kind, stdin=stdin) as stream:
        yield stream, name
