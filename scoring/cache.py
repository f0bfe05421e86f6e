"""A compiled standard kept on disk, so that a process does not read and compile it on every start.

Reading and compiling the 1,200-line default standard takes ~0.4 s (YAML, validation, pymorphy3
lemmas for ~4,000 words); loading the compiled result takes ~0.02 s. The cache is an optimisation
only: whenever it cannot be used the standard is compiled as if there were none.

- **Key.** An entry is used only when it was made from the same bytes of the same file (and of
  every file it `extends`) by the same scorer: a hash of `scoring/*.py`, the Python, pydantic and
  pymorphy3 versions and the dictionaries' version. Anything else is a miss, and the entry is
  replaced; there is one entry per standard file, so the cache does not grow.
- **Where.** `$XDG_CACHE_HOME/roleplay`, else `~/.cache/roleplay` (`default_cache_dir`).
- **Safe.** A read-only or missing folder, a corrupt, truncated or older entry: compile instead.
  Entries are pickles, and a pickle can run code when loaded, so an entry is read only when the
  file and its folder belong to the current user and nobody else may write them (the folder is
  created with mode 0700, files 0600), and only after its SHA-256 checksum matches.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.standard import Standard

MAGIC = b"roleplay compiled standard 1\n"
_UNPICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
)


def default_cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/roleplay`, else `~/.cache/roleplay`; None when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "roleplay"
    try:
        return Path.home() / ".cache" / "roleplay"
    except RuntimeError:  # no home directory can be determined
        return None


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of what turns a standard file into a compiled one: the scorer's code and libraries."""
    import pydantic
    import pymorphy3
    import pymorphy3_dicts_ru

    digest = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for version in (
        sys.version,
        pydantic.VERSION,
        getattr(pymorphy3, "__version__", ""),
        getattr(pymorphy3_dicts_ru, "__version__", ""),
    ):
        digest.update(str(version).encode() + b"\0")
    return digest.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_path(cache_dir: Path, source: Path) -> Path:
    """The one cache file of a standard file."""
    name = _sha(str(source.resolve()).encode())[:24]
    return cache_dir / f"standard-{name}.pickle"


def cached_standard(
    source: Path,
    compile_standard: Callable[[], tuple[Standard, Sequence[Path]]],
    cache_dir: Path | None,
) -> Standard:
    """The standard compiled from `source`: from the cache when it holds this very standard,
    else compiled by `compile_standard() -> (standard, every file it read)` and stored.

    Raises what `compile_standard` raises. Writes the cache file (never fails because of it).
    """
    if cache_dir is None:
        return compile_standard()[0]
    try:
        content = source.read_bytes()
    except OSError:
        return compile_standard()[0]  # the compiler reports the unreadable file
    key = _sha(code_version().encode() + b"\0" + str(source.resolve()).encode() + b"\0" + content)
    entry = entry_path(cache_dir, source)
    found = _read(entry, key)
    if found is not None:
        return found
    standard, files = compile_standard()
    _write(entry, key, standard, [f for f in files if f.resolve() != source.resolve()])
    return standard


def _trusted(st: os.stat_result) -> bool:
    """Owned by us and writable by nobody else (POSIX); elsewhere, no owner to check."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path, key: str) -> Standard | None:
    from scoring.standard import Standard

    try:
        if not (_trusted(entry.parent.stat()) and _trusted(entry.stat())):
            return None
        data = entry.read_bytes()
    except OSError:
        return None
    header = len(MAGIC) + 64 + 1
    if not data.startswith(MAGIC) or len(data) < header:
        return None
    checksum, payload = data[len(MAGIC) : header - 1].decode("ascii", "replace"), data[header:]
    if checksum != _sha(payload):
        return None
    try:
        stored: Any = pickle.loads(payload)
    except _UNPICKLE_ERRORS:
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    for name, sha in stored.get("files", ()):
        try:
            if _sha(Path(name).read_bytes()) != sha:
                return None
        except OSError:
            return None
    standard = stored.get("standard")
    return standard if isinstance(standard, Standard) else None


def _write(entry: Path, key: str, standard: Standard, files: Sequence[Path]) -> None:
    try:
        stored = {
            "key": key,
            "files": [(str(f.resolve()), _sha(f.read_bytes())) for f in files],
            "standard": standard,
        }
        payload = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    data = MAGIC + _sha(payload).encode("ascii") + b"\n" + payload
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=entry.parent, prefix=".standard-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, entry)
        except OSError:
            Path(temp).unlink(missing_ok=True)
    except OSError:
        return
