"""Writing output files so that readers never see half of one, with the permissions people expect."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SecorError

DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})  # no space left, or the user's quota used up


def disk_full(path: Path) -> SecorError:
    """The one-line error for an output that did not fit: the previous file is still whole."""
    return SecorError(
        f"the disk holding '{path.parent}' is full, so '{path.name}' was not written (the previous one, if any, "
        "is left as it was).", fix="Free some space there (or raise the quota), then run again.")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it replaces ``path``.

    The temporary file gets the permissions a plain ``open()`` would give (``mkstemp`` makes it
    owner-only), so office staff on a shared drive can open the dashboard and the packs.
    On failure the temporary file is removed and ``path`` is left as it was; a full disk is a
    SecorError (one line, for the CLI and the scheduler's state alike), not a traceback.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(path) from None
        raise
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(path) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file (fsynced) and a rename."""
    with replacing(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def write_lines_atomic(path: Path, chunks: Iterable[str]) -> Path:
    """Write text chunks (UTF-8) to ``path`` as they come, through a temporary file and a rename."""
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    return path
