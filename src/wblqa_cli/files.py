"""Files written with ``-o``: owner-only (0600), whole or not at all, never over a file unasked.

Exports, calendars and templates hold learner data or a centre's answers, so
they are created readable by their owner alone whatever the umask, written to
a temporary file beside the target and renamed into place only when complete:
an error or an interruption half way never leaves a partial file behind.

One rule for every ``-o``: an existing file is refused (exit 2, nothing
written) unless the command was given ``--force`` (:data:`FORCE_HELP`), and
``--force`` replaces only a regular file or a symbolic link, never a device, a
FIFO or a folder. ``-o -`` means standard output for every command
(:func:`dash_is_stdout`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from wblqa_cli.errors import InputError

#: What ``-o`` names for standard output, in every command.
STDOUT = "-"


def dash_is_stdout(value: str | Path | None) -> str | Path | None:
    """An ``-o`` option's value as the command uses it: None (standard output) for ``-``.

    Every ``-o`` option takes it as its callback, so that ``-o -`` writes to
    standard output everywhere and never a file named ``-``.
    """
    return None if value is None or str(value) == STDOUT else value


#: The help of every command's ``--force``, the one way to replace an existing ``-o`` file.
FORCE_HELP = "Replace the -o file if it already exists (without it, an existing file is refused)."
EXISTS_HINT = "Add --force to replace it, or choose another file name."


def _check_target(path: Path, option: str, overwrite: bool, hint: str | None) -> Path:
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise InputError(f"Cannot write {path} ({option}): the folder {folder} does not exist.")
    if path.is_dir():
        raise InputError(f"Cannot write {path} ({option}): it is a folder; give a file name.")
    if not overwrite and (path.exists() or path.is_symlink()):
        raise _exists(path, option, hint)
    _replaceable(path, option)
    return folder


def _replaceable(path: Path, option: str) -> None:
    """Refuse to replace anything but a regular file or a symbolic link, even with --force."""
    import stat

    try:
        mode = path.lstat().st_mode
    except OSError:
        return  # nothing there (or nothing we may look at: creating it will say)
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return
    what = "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if (
        stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) else "not a regular file"  # fmt: skip
    raise InputError(
        f"Cannot write {path} ({option}): it is {what}; --force replaces only a file or a "
        "symbolic link.",
        hint="Choose another file name, or -o - for standard output.",
    )


def _exists(path: Path, option: str, hint: str | None) -> InputError:
    return InputError(
        f"{path} ({option}) already exists; wblqa will not overwrite it.",
        hint=hint or EXISTS_HINT,
    )


def _place(tmp: Path, path: Path, overwrite: bool, option: str, hint: str | None) -> None:
    if overwrite:
        _replaceable(path, option)  # again: it may have changed while the file was written
        tmp.replace(path)
        return
    try:
        os.link(tmp, path)  # atomic, and fails if another process created ``path`` meanwhile
    except FileExistsError:
        raise _exists(path, option, hint) from None
    except OSError:
        if path.exists():  # no hard links on this file system: the next best check
            raise _exists(path, option, hint) from None
        tmp.replace(path)
        return
    tmp.unlink()


@contextmanager
def private_output(
    path: Path,
    *,
    overwrite: bool = False,
    option: str = "-o",
    exists_hint: str | None = None,
    binary: bool = False,
) -> Iterator[IO[str]]:
    """A stream to write ``path`` through: 0600, and in place only if the block completes.

    Unless ``overwrite`` (the command's ``--force``), an existing file is
    refused (exit 2), before writing and again when putting the file in place;
    the message's hint names ``--force`` unless ``exists_hint`` says otherwise.
    Text streams are UTF-8 with no newline translation.
    """
    folder = _check_target(path, option, overwrite, exists_hint)
    sweep_parts(folder, path.name)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=folder
        )
    except OSError as exc:
        raise InputError(f"Cannot write {path} ({option}): {exc.strerror}.") from None
    tmp = Path(name)
    try:
        os.fchmod(fd, 0o600)  # mkstemp's mode already; stated so that it cannot drift
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as stream:  # type: ignore[call-overload]
            yield stream
        _place(tmp, path, overwrite, option, exists_hint)
    except OSError as exc:
        raise InputError(f"Cannot write {path} ({option}): {exc.strerror}.") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_private(
    path: Path,
    data: bytes | str,
    *,
    overwrite: bool = False,
    option: str = "-o",
    exists_hint: str | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically, readable by the owner only (0600)."""
    binary = isinstance(data, bytes)
    with private_output(
        path, overwrite=overwrite, option=option, exists_hint=exists_hint, binary=binary
    ) as stream:
        stream.write(data)  # type: ignore[arg-type]


def private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent owner-only (0700); existing ones are kept."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def sweep_parts(folder: Path, name: str, suffix: str = ".part") -> list[Path]:
    """Remove the ``.part`` files of ``name`` left by a wblqa that was killed (its pid gone)."""
    removed = []
    for part in folder.glob(f".{glob_escape(name)}.*{suffix}"):
        pid_text = part.name[len(name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            part.unlink()
            removed.append(part)
        except OSError:
            continue
    return removed


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
