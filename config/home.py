"""Make sure ``SERGAS_HOME`` can hold the product's data, or say in one line why not and what to do.

``check_home`` looks without touching anything (``main.py`` runs it before every command, so that no
command reaches a traceback over it); ``prepare_home`` creates the directory (0700) when a command first
needs it (``Settings.ensure_home``). Either way: it must be a directory (or creatable: its nearest
existing parent a writable directory), take a new file, and the folders the product keeps in it
(state, memory, tokens, reports, sandbox) must be directories where they exist.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from config.errors import HomeNotUsableError

FIX = "Point SERGAS_HOME at a directory you can write to (it is created if missing)."


def _why(exc: OSError, home: Path) -> str:
    where = Path(exc.filename) if exc.filename else home
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) or (where.exists() and not where.is_dir()):
        blocker = next((p for p in (where, *where.parents) if p.exists() and not p.is_dir()), where)
        return f"{blocker} is a file, not a directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {where}"
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only file system"
    return f"{where}: {exc.strerror or exc}"


def _not_usable(home: Path, exc: OSError) -> HomeNotUsableError:
    return HomeNotUsableError(f"SERGAS_HOME ({home}) cannot be used: {_why(exc, home)}. {FIX}")


def _check_folders(home: Path, subdirs: Iterable[str]) -> None:
    for name in subdirs:
        sub = home / name
        if sub.exists() and not sub.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(sub))


def check_home(path: Path, subdirs: Iterable[str] = ()) -> Path:
    """Whether ``path`` is (or can become) a usable data directory, without creating or writing anything.

    Raises ``HomeNotUsableError`` with one line: what is wrong and the fix."""
    home = path.expanduser().resolve()
    existing = next(p for p in (home, *home.parents) if p.exists())
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(existing))
        if not os.access(existing, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "Permission denied", str(existing))
        if existing == home:
            _check_folders(home, subdirs)
    except OSError as exc:
        raise _not_usable(home, exc) from None
    return home


def prepare_home(path: Path, subdirs: Iterable[str] = ()) -> Path:
    """Create ``path`` (0700) if needed, check it takes a file, and return it absolute.

    Raises ``HomeNotUsableError`` with one line: what is wrong and the fix."""
    home = path.expanduser().resolve()
    try:
        home.mkdir(parents=True, exist_ok=True)
        if not home.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(home))
        home.chmod(0o700)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".write-check-"):
            pass
        _check_folders(home, subdirs)
    except OSError as exc:
        raise _not_usable(home, exc) from None
    return home
