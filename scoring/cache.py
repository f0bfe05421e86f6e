"""A compiled standard kept on disk, so that a process does not read and compile it on every start.

Reading and compiling the default standard takes ~1 s (YAML, validation, pymorphy3 lemmas for
~1,560 phrases), and building a grader's indexes for it ~0.02 s more. An entry holds the
grader, ready built (its standard, indexes and all, with its lexicon left out and given back on
loading), so a start loads it in ~0.03 s. The cache is an optimisation only: whenever it cannot be
used the standard is compiled and the grader built as if there were none. `cached_value` keeps
other things made from files the same way (the scenario library: `scenarios.loader`).

- **Key.** An entry is used only when it was made from the same bytes of the same file (and of
  every file it `extends`) by the same scorer: a hash of `scoring/*.py`, the Python, pydantic and
  pymorphy3 versions, the dictionaries' version and the YAML parser's files. Anything else is a
  miss, and the entry is replaced; there is one entry per standard file, so the cache does not
  grow.
- **Where.** `$XDG_CACHE_HOME/roleplay`, else `~/.cache/roleplay` (`default_cache_dir`).
- **Fast to load.** The frozen, slotted dataclasses of a compiled standard (`Phrase`, `Element`,
  `Alt`, ...) are stored as calls of their constructors with their fields (pickle's default for
  them goes through `dataclasses`' slow `__setstate__`), and the garbage collector is paused
  while an entry is loaded (it would otherwise walk the young objects again and again).
- **Safe.** A read-only or missing folder, a corrupt, truncated or older entry: compile instead.
  Entries are pickles, and a pickle can run code when loaded, so an entry is read only when the
  file and its folder belong to the current user and nobody else may write them (the folder is
  created with mode 0700, files 0600), and only after its SHA-256 checksum matches.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
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
    from scoring.grader import Grader
    from scoring.standard import Standard
    from scoring.text import Lexicon

MAGIC = b"roleplay compiled standard 2\n"
_LEXICON = "lexicon"  # the persistent id the grader's lexicon is stored as
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
        _parser_stamp(),
    ):
        digest.update(str(version).encode() + b"\0")
    return digest.hexdigest()


def _parser_stamp() -> str:
    """Which ruamel.yaml reads the files (the size and time of its `__init__.py`, which names its
    version), found without importing it: a start from the cache never needs the parser."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("ruamel")  # finds the folder, imports nothing
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            st = os.stat(Path(folder) / "yaml" / "__init__.py")
        except OSError:
            continue
        return f"ruamel.yaml {st.st_size} {st.st_mtime_ns}"
    return ""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_path(cache_dir: Path, source: Path, kind: str = "standard") -> Path:
    """The one cache file of a standard file (or of another `kind` of thing made from `source`)."""
    name = _sha(str(source.resolve()).encode())[:24]
    return cache_dir / f"{kind}-{name}.pickle"


def cached_standard(
    source: Path,
    compile_standard: Callable[[], tuple[Standard, Sequence[Path]]],
    cache_dir: Path | None,
) -> Standard:
    """The standard compiled from `source` (`cached_grader(...).standard`)."""
    return cached_grader(source, compile_standard, cache_dir).standard


def cached_grader(
    source: Path,
    compile_standard: Callable[[], tuple[Standard, Sequence[Path]]],
    cache_dir: Path | None,
) -> Grader:
    """A grader (with the default lexicon) of the standard compiled from `source`: from the cache
    when it holds this very standard, else built on `compile_standard() -> (standard, every file
    it read)` and stored.

    Raises what `compile_standard` raises. Writes the cache file (never fails because of it).
    """
    from scoring.grader import Grader
    from scoring.standard import Standard
    from scoring.text import default_lexicon

    lexicon = default_lexicon()

    def build() -> tuple[Grader, Sequence[Path]]:
        standard, files = compile_standard()
        return Grader(standard, lexicon), [f for f in files if f.resolve() != source.resolve()]

    if cache_dir is None:
        return build()[0]
    try:
        content = source.read_bytes()
    except OSError:
        return build()[0]  # the compiler reports the unreadable file
    key = _sha(code_version().encode() + b"\0" + str(source.resolve()).encode() + b"\0" + content)

    def usable(value: object) -> bool:
        return isinstance(value, Grader) and isinstance(value.standard, Standard)

    grader: Grader = cached_value(entry_path(cache_dir, source), key, build, usable, lexicon)
    return grader


def cached_value(
    entry: Path,
    key: str,
    build: Callable[[], tuple[Any, Sequence[Path]]],
    usable: Callable[[object], bool],
    lexicon: Lexicon | None = None,
) -> Any:
    """The value kept in the cache file `entry` under `key` (and made from files whose bytes have
    not changed since), when `usable(value)`; else `build() -> (value, the files besides those
    `key` covers that it was made from)`, stored in `entry` and returned. `lexicon`, when the
    value refers to it, is left out of the file and given back on loading.

    Raises what `build` raises. Writes the cache file (never fails because of it).
    """
    found = _read(entry, key, lexicon)
    if found is not None and usable(found):
        return found
    value, files = build()
    _write(entry, key, value, lexicon, files)
    return value


def _constructor_fields(cls: type) -> tuple[str, ...] | None:
    """The fields `cls(*values)` takes, in order, when `cls` is a frozen, slotted dataclass that
    its generated `__init__` builds from exactly its fields; else None (pickled as usual)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        return None
    init = cls.__dict__.get("__init__")
    if not params.init or init is None or init.__qualname__ != f"{cls.__qualname__}.__init__":
        return None
    if hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields):
        return None
    return tuple(f.name for f in fields)


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, lexicon: Lexicon | None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._lexicon = lexicon

    def persistent_id(self, obj: Any) -> str | None:
        return _LEXICON if obj is self._lexicon and obj is not None else None

    def reducer_override(self, obj: Any) -> Any:
        fields = _constructor_fields(type(obj))
        if fields is None:
            return NotImplemented
        return type(obj), tuple(getattr(obj, name) for name in fields)


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, lexicon: Lexicon | None) -> None:
        super().__init__(io.BytesIO(data))
        self._lexicon = lexicon

    def persistent_load(self, pid: Any) -> Any:
        if pid != _LEXICON or self._lexicon is None:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self._lexicon


def _trusted(st: os.stat_result) -> bool:
    """Owned by us and writable by nobody else (POSIX); elsewhere, no owner to check."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path, key: str, lexicon: Lexicon | None) -> Any:
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
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none of them garbage
    try:
        stored: Any = _Unpickler(payload, lexicon).load()
    except _UNPICKLE_ERRORS:
        return None
    finally:
        if collecting:
            gc.enable()
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    for name, sha in stored.get("files", ()):
        try:
            if _sha(Path(name).read_bytes()) != sha:
                return None
        except OSError:
            return None
    return stored.get("value")


def _write(
    entry: Path, key: str, value: object, lexicon: Lexicon | None, files: Sequence[Path]
) -> None:
    try:
        stored = {
            "key": key,
            "files": [(str(f.resolve()), _sha(f.read_bytes())) for f in files],
            "value": value,
        }
        out = io.BytesIO()
        _Pickler(out, lexicon).dump(stored)
        payload = out.getvalue()
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    data = MAGIC + _sha(payload).encode("ascii") + b"\n" + payload
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=entry.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out_file:
                out_file.write(data)
            os.replace(temp, entry)
        except OSError:
            Path(temp).unlink(missing_ok=True)
    except OSError:
        return
