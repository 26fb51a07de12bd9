"""Files that hold CRM data are written readable by their owner only (0600), whatever the umask, and
atomically (a temporary file in the same directory, then renamed over the target: an existing file
that was world-readable is replaced, not rewritten in place)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PRIVATE_FILE_MODE = 0o600


@contextlib.contextmanager
def private_writer(path: Path) -> Iterator[IO[bytes]]:
    """A binary handle on a 0600 temporary file that becomes ``path`` when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # a leftover tmp file of a crashed run keeps its old mode otherwise
        with os.fdopen(fd, "wb") as handle:
            yield handle
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_private(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``path`` as a 0600 file."""
    with private_writer(path) as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)
    return path


__all__ = ["PRIVATE_FILE_MODE", "private_writer", "write_private"]
