"""The compiled standard cached on disk: reused while nothing changed, never a reason to fail."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import scoring.cache as cache
import scoring.standard as standard_module
from scoring import Grader, StandardError, load_standard
from scoring.cache import MAGIC, entry_path

COMPANY = """\
{base}name: acme
pass_mark: {mark}
checks:
  acme_greeting:
    kind: step
    title: Приветствие «Акме»
    recommended: ['Акме, здравствуйте!']
    phrases: ['акме ~2 здравствуйте']
"""


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the real compiler reads (so a test can tell a cache hit from a compile)."""
    seen: list[Path] = []
    real = standard_module._load

    def spy(path: Path, *args: object) -> object:
        seen.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(standard_module, "_load", spy)
    return seen


def company(tmp_path: Path, mark: int = 80, base: str | None = None) -> Path:
    """A small standard of its own (compiled in milliseconds), or one that extends `base`."""
    path = tmp_path / "acme.yaml"
    extends = f"extends: {base}\n" if base else ""
    path.write_text(COMPANY.format(mark=mark, base=extends), encoding="utf-8")
    return path


def test_the_second_load_comes_from_the_cache(tmp_path: Path, compiles: list[Path]) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    first = load_standard(path, cache_dir=where)
    assert entry_path(where, path).exists() and compiles
    compiles.clear()
    second = load_standard(path, cache_dir=where)
    assert compiles == []
    assert second.version == first.version and second.pass_mark == 80
    reply = "Акме, здравствуйте!"
    assert Grader(second).grade(reply).verdicts == Grader(first).grade(reply).verdicts


def test_a_changed_file_is_compiled_again(tmp_path: Path, compiles: list[Path]) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    load_standard(path, cache_dir=where)
    company(tmp_path, mark=90)
    compiles.clear()
    assert load_standard(path, cache_dir=where).pass_mark == 90 and compiles
    assert len(list(where.iterdir())) == 1  # one entry per standard file


def test_a_changed_base_file_is_compiled_again(tmp_path: Path, compiles: list[Path]) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(COMPANY.format(mark=60, base=""), encoding="utf-8")
    path = company(tmp_path, base="base.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 80\n", ""), "utf-8")
    where = tmp_path / "cache"
    assert load_standard(path, cache_dir=where).pass_mark == 60
    compiles.clear()
    assert load_standard(path, cache_dir=where).pass_mark == 60 and compiles == []
    base.write_text(COMPANY.format(mark=65, base=""), encoding="utf-8")
    assert load_standard(path, cache_dir=where).pass_mark == 65 and compiles == [path, base]


def test_another_scorer_version_is_a_miss(
    tmp_path: Path, compiles: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    load_standard(path, cache_dir=where)
    monkeypatch.setattr(cache, "code_version", lambda: "a-newer-scorer")
    compiles.clear()
    load_standard(path, cache_dir=where)
    assert compiles


def test_the_code_version_follows_the_scorer_sources() -> None:
    version = cache.code_version()
    assert len(version) == 64 and version == cache.code_version()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: b"garbage" * 100,
        lambda data: MAGIC + b"0" * 64 + b"\n" + pickle.dumps("not a standard"),
    ],
    ids=["empty", "truncated", "one-bit", "garbage", "wrong-checksum"],
)
def test_a_damaged_entry_is_compiled_again_and_replaced(
    tmp_path: Path, compiles: list[Path], damage: object
) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    load_standard(path, cache_dir=where)
    entry = entry_path(where, path)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    compiles.clear()
    assert load_standard(path, cache_dir=where).pass_mark == 80 and compiles
    compiles.clear()
    load_standard(path, cache_dir=where)
    assert compiles == []  # the damaged entry was replaced by a good one


def test_a_well_formed_entry_of_something_else_is_ignored(
    tmp_path: Path, compiles: list[Path]
) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    where.mkdir(mode=0o700)
    payload = pickle.dumps({"key": "x", "files": [], "standard": "not a standard"})
    import hashlib

    entry_path(where, path).write_bytes(
        MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    )
    assert load_standard(path, cache_dir=where).pass_mark == 80 and compiles


def test_an_entry_others_may_write_is_not_read(tmp_path: Path, compiles: list[Path]) -> None:
    path, where = company(tmp_path), tmp_path / "cache"
    load_standard(path, cache_dir=where)
    os.chmod(entry_path(where, path), 0o666)
    compiles.clear()
    load_standard(path, cache_dir=where)
    assert compiles


def test_an_unwritable_cache_folder_is_no_problem(tmp_path: Path, compiles: list[Path]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    path = company(tmp_path)
    assert load_standard(path, cache_dir=blocker / "cache").pass_mark == 80
    assert load_standard(path, cache_dir=blocker / "cache").pass_mark == 80
    assert compiles == [path, path]  # compiled each time


def test_a_broken_file_is_never_cached(tmp_path: Path) -> None:
    path, where = tmp_path / "bad.yaml", tmp_path / "cache"
    path.write_text("checks: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(StandardError):
            load_standard(path, cache_dir=where)
    assert not entry_path(where, path).exists()


def test_the_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_cache_dir() == tmp_path / "roleplay"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.default_cache_dir() == tmp_path / "home" / ".cache" / "roleplay"


def test_the_default_standard_is_cached_and_equal_to_a_fresh_compile(tmp_path: Path) -> None:
    where = tmp_path / "cache"
    fresh = load_standard()
    cached = load_standard(cache_dir=where)
    again = load_standard(cache_dir=where)
    assert fresh.version == cached.version == again.version
    assert set(again.compiled) == set(fresh.compiled)
    reply = "Добрый день! Почта России, меня зовут Мария. Чем могу помочь? Вы должны подождать."
    context = {"time": "13:00", "company": "Почта России"}
    assert Grader(again).grade(reply, context=context) == Grader(fresh).grade(reply, context=context)


def test_a_cached_grader_is_the_grader_built_afresh(tmp_path: Path) -> None:
    """The grader comes from the cache ready built: every index equal to a fresh build's, its
    lexicon the process's own, and the same verdicts."""
    from scoring import load_grader
    from scoring.patterns import PatternCompiler
    from scoring.text import Lexicon, default_lexicon

    where = tmp_path / "cache"
    fresh = Grader(load_standard())
    load_grader(cache_dir=where)
    cached = load_grader(cache_dir=where)
    assert cached is not fresh and cached._lexicon is default_lexicon()
    assert vars(cached.standard) == vars(fresh.standard)
    skip = (Lexicon, PatternCompiler, type(fresh.standard))
    state = {k: v for k, v in vars(fresh).items() if not isinstance(v, skip)}
    assert {k: v for k, v in vars(cached).items() if k in state} == state
    assert set(vars(cached)) == set(vars(fresh))
    assert vars(cached._compiler) == vars(fresh._compiler)
    for reply in (
        "Добрый день! Почта России, меня зовут Мария. Чем могу помочь?",
        "Подождите минутку, я уточню информацию по вашему заказу.",
        "Извините за ожидание. Ваша посылка в пути, трек-номер отправил вам в смс.",
        "Вы сами виноваты, надо было читать правила!",
    ):
        context = {"time": "13:00", "company": "Почта России", "client_name": "Анна"}
        assert cached.grade(reply, context=context) == fresh.grade(reply, context=context)


def test_an_entry_holding_no_grader_is_ignored(tmp_path: Path, compiles: list[Path]) -> None:
    """An entry of the first format (a bare standard) is a miss, compiled and replaced."""
    path, where = company(tmp_path), tmp_path / "cache"
    where.mkdir(mode=0o700)
    payload = pickle.dumps({"key": "x", "files": [], "standard": load_standard(path)})
    import hashlib

    entry_path(where, path).write_bytes(
        MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    )
    compiles.clear()
    assert load_standard(path, cache_dir=where).pass_mark == 80 and compiles
