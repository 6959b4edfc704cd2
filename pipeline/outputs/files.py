"""Writing output files so that readers never see half of one, with the permissions people expect.

A file is written beside its final name and renamed over it (``replacing``); a set of files
that belong together (a month's pack) is built in a folder beside the final one and swapped
in by renames (``replacing_folder``), so a kill leaves the old set whole or the new set whole.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
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


# --------------------------------------------------------------------------- a folder of files, swapped whole

STAGING = ".tmp-"  # .<name>.tmp-<pid>: the new folder being built
SET_ASIDE = ".old-"  # .<name>.old-<pid>: the previous folder, between the two renames of a swap
_PID = re.compile(r"\.(tmp|old)-(\d+)$")


def _alive(pid: int) -> bool:
    """True when another process with this id is running (its folder is in use, not left over)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _leftovers(final: Path, marker: str) -> list[Path]:
    """Folders a killed run left beside ``final`` (``.<name><marker><pid>``), not those of a running one."""
    if not final.parent.is_dir():
        return []
    found = []
    for p in sorted(final.parent.glob(f".{final.name}{marker}*")):
        m = _PID.search(p.name)
        if p.is_dir() and m and not _alive(int(m.group(2))):
            found.append(p)
    return found


def recover_folder(final: Path) -> list[str]:
    """Tidy what a killed swap left beside ``final``; say what was done (one line each).

    A half-built ``.tmp-*`` folder is removed. When ``final`` is missing because the run was
    killed between its two renames, the set-aside ``.old-*`` folder (the previous set, whole)
    is put back; otherwise it is removed.
    """
    done = []
    for tmp in _leftovers(final, STAGING):
        shutil.rmtree(tmp, ignore_errors=True)
        done.append(f"removed '{tmp.name}', left half-built by a run that was stopped")
    olds = _leftovers(final, SET_ASIDE)
    if olds and not final.exists():
        old = olds.pop()
        try:
            os.rename(old, final)
        except OSError as exc:
            return [*done, f"could not put '{old.name}' back as '{final.name}' ({exc.strerror}): rename it by hand"]
        done.append(f"restored '{final.name}' as it was before a run that was stopped while replacing it")
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)
        done.append(f"removed '{old.name}', the previous '{final.name}' a stopped run had set aside")
    return done


def recover_folders(root: Path) -> list[str]:
    """``recover_folder`` for every folder of ``root`` a killed swap left leftovers of (``.<name>.tmp-*``...)."""
    if not root.is_dir():
        return []
    names = {m.group(1) for p in root.glob(".*") if (m := re.fullmatch(r"\.(.+)\.(?:tmp|old)-\d+", p.name))}
    return [f"{root.name}/{name}: {line}" for name in sorted(names) for line in recover_folder(root / name)]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not every file system lets a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _swap(new: Path, final: Path) -> None:
    """``final`` -> ``.old-<pid>``, ``new`` -> ``final``, then the old one removed.

    Killed between the two renames, ``final`` is missing and the old folder whole: ``recover_folder``
    puts it back at the next start. Failing there (not killed), it is put back at once.
    """
    old = final.parent / f".{final.name}{SET_ASIDE}{os.getpid()}"
    had = final.exists()
    if had:
        os.rename(final, old)
    try:
        os.rename(new, final)
    except BaseException:
        if had and not final.exists():
            os.rename(old, final)
        raise
    _fsync_dir(final.parent)
    if had:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def replacing_folder(final: Path) -> Iterator[Path]:
    """Yield a new empty folder beside ``final``; when the block succeeds it replaces ``final`` whole.

    Leftovers of a killed run are tidied first (``recover_folder``). On failure the new folder is
    removed and ``final`` is left as it was; a full disk is a one-line SecorError.
    """
    new = final.parent / f".{final.name}{STAGING}{os.getpid()}"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        recover_folder(final)
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir()
        os.chmod(new, 0o777 & ~_umask())
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(final) from None
        raise
    try:
        yield new
        _fsync_dir(new)
        _swap(new, final)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise disk_full(final) from None
        raise
    finally:
        shutil.rmtree(new, ignore_errors=True)
