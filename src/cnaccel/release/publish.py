"""Publish a staged build into the output folder so that a kill at any moment leaves each entry
whole, and clean up after a build that was killed.

The design, and why it holds:

1. A build holds an exclusive ``flock`` on the output folder ``OUT`` itself (no lock file is
   left behind; the kernel drops the lock when the process dies, even by SIGKILL), so no two
   builds write into one ``OUT`` at a time.
2. Under the lock, a build first deletes what a killed build left: every ``OUT/.cnaccel-staging-*``
   folder (none can belong to a live build, because of 1.) and the hidden
   ``.<OUT>.building-*`` folders beside ``OUT`` that builds before this design left.
3. Every file of the new bundle is written into a fresh ``OUT/.cnaccel-staging-XXXX/`` on the same
   file system. Nothing visible changes while it is written, so a kill here leaves the old bundle.
4. Each entry (``cnaccel-V/``, ``cnaccel-V.zip``, the wheel, the sdist) is then published by one
   system call: ``rename(2)`` when ``OUT`` has no entry of that name, else
   ``renameat2(RENAME_EXCHANGE)``, which swaps the staged entry and the published one in a single
   atomic step, for folders as well as files (a plain rename cannot replace a non-empty folder).
   Before the call the name shows the old entry, after it the new one; there is no moment in
   between. The old entry now sits in the staging folder, and 2. deletes it if the build dies.
5. The staging folder, now holding only old entries, is deleted; a kill while deleting leaves a
   staging folder that 2. removes.

So a kill at any point leaves each published name holding a whole old or a whole new entry, and
the next build leaves nothing of the killed one. Entries are published one after another: a
kill between two of them can leave a new folder beside the old zip, each whole and each passing
``cnaccel verify``; the next build publishes both again. An exception (not a kill) while
publishing swaps back what was already published, so a failed build leaves ``OUT`` as it was.

This is about a process killed, not a machine losing power: nothing is fsynced, so after a
power cut the file system's own guarantees are all there is.

``renameat2`` is Linux's (3.15 or newer, on local file systems). Where it is missing the old entry
is renamed aside and the new one renamed in: two renames, with a moment between them when the
name is empty; a kill in that moment leaves the old entry in the staging folder until the next
build deletes it.

``CNACCEL_BUILD_KILL_AT`` is a hook for the tests: a build kills itself with SIGKILL on reaching
the step it names (see :func:`checkpoint`). It is never set in normal use.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import BuildError

STAGING_PREFIX = ".cnaccel-staging-"
KILL_ENV = "CNACCEL_BUILD_KILL_AT"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def checkpoint(step: str) -> None:
    """Kill this process (SIGKILL, no clean-up) when ``CNACCEL_BUILD_KILL_AT`` names ``step``:
    the tests use it to prove that a build killed there leaves ``OUT`` whole."""
    if os.environ.get(KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder ``out`` while the block runs; BuildError when another
    build holds it. Without ``fcntl`` (Windows) the block runs unlocked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = f"{out}: another cnaccel build is writing here; wait for it or choose another --out"
            raise BuildError(busy) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def clean_leftovers(out: Path) -> list[Path]:
    """Delete what killed builds left: staging folders in ``out`` and, beside it, the hidden
    work folders of builds made before staging moved into ``out``. Call it holding the lock."""
    found = sorted(out.glob(f"{STAGING_PREFIX}*")) + sorted(out.parent.glob(f".{out.name}.building-*"))
    for path in found:
        _remove(path)
    return found


def new_staging(out: Path) -> Path:
    """A fresh, empty staging folder inside ``out`` (same file system, so renames are atomic)."""
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))


def _exchange_call() -> object | None:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # pragma: no cover - no renameat2 in this C library
        return None


_RENAMEAT2 = _exchange_call()


def exchange(a: Path, b: Path) -> bool:
    """Swap the entries at ``a`` and ``b`` in one atomic step; False where the system cannot."""
    if _RENAMEAT2 is None:  # pragma: no cover - not Linux
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # pragma: no cover - old kernel or file system
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


class Publisher:
    """Publishes entries of a staging folder into ``out`` one atomic step each, and can undo them."""

    def __init__(self, staging: Path, out: Path) -> None:
        self.staging, self.out = staging, out
        self.aside = staging / ".replaced"
        self.done: list[tuple[Path, Path | None, bool]] = []  # (target, where the old entry is, swapped)

    def publish(self, name: str) -> None:
        """Move ``staging/name`` to ``out/name``, in one step (see the module's notes)."""
        entry, target = self.staging / name, self.out / name
        checkpoint(f"publish {name}")
        if not (target.exists() or target.is_symlink()):
            os.rename(entry, target)
            self.done.append((target, None, False))
        elif exchange(entry, target):
            self.done.append((target, entry, True))  # the old entry is now at the staged name
        else:  # pragma: no cover - the two-rename fallback where renameat2 is missing
            self.aside.mkdir(exist_ok=True)
            os.rename(target, self.aside / name)
            os.rename(entry, target)
            self.done.append((target, self.aside / name, False))
        checkpoint(f"published {name}")

    def undo(self) -> None:
        """Put back the old entries of everything published so far, newest first."""
        for target, old, swapped in reversed(self.done):
            with contextlib.suppress(OSError):
                if swapped and old is not None:
                    exchange(old, target)
                    continue
                _remove(target)
                if old is not None:
                    os.rename(old, target)
        self.done.clear()


def discard(staging: Path) -> None:
    """Delete the staging folder entry by entry (a kill part-way leaves it for the next build)."""
    for index, path in enumerate(sorted(staging.iterdir())):
        _remove(path)
        if index == 0:
            checkpoint("discarding")
    staging.rmdir()
