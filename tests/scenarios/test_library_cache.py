"""The scenario library cached on disk (`load_library(..., cache_dir=)`): the same library, reloaded
when a file, the standard's checks or the code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scenarios.loader as loader
from scenarios import library_paths, load_library


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the real loader parses (so a test can tell a cache hit from a load)."""
    seen: list[Path] = []
    real = loader._load_file

    def spy(path: Path, *args: object, **kwargs: object) -> object:
        seen.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_load_file", spy)
    return seen


def test_the_cached_library_is_the_library(tmp_path: Path, parses: list[Path]) -> None:
    fresh = load_library(library_paths(None))
    first = load_library(library_paths(None), cache_dir=tmp_path)
    parses.clear()
    again = load_library(library_paths(None), cache_dir=tmp_path)
    assert parses == []
    assert again == first == fresh and again.files == fresh.files and len(again) == len(fresh)


def test_a_changed_or_new_file_is_loaded_again(tmp_path: Path, parses: list[Path]) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(loader.LIBRARY_PATH, folder)
    cache = tmp_path / "cache"
    before = load_library(folder, cache_dir=cache)
    some = sorted(folder.glob("*.yaml"))[0]
    some.write_text(some.read_text(encoding="utf-8") + "\nbroken: [\n", encoding="utf-8")
    parses.clear()
    after = load_library(folder, cache_dir=cache)
    assert parses and after.problems and len(after) == len(before) - 1
    (folder / "notes.yaml").write_text("- not a scenario\n", encoding="utf-8")
    parses.clear()
    assert load_library(folder, cache_dir=cache).ignored and parses
    assert len(list(cache.iterdir())) == 1  # one entry per library


def test_another_code_version_is_a_miss(
    tmp_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_library(library_paths(None), cache_dir=tmp_path)
    monkeypatch.setattr(loader, "_code_version", lambda: "a-newer-loader")
    parses.clear()
    load_library(library_paths(None), cache_dir=tmp_path)
    assert parses


def test_an_unwritable_cache_is_no_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert load_library(library_paths(None), cache_dir=blocker / "x") == load_library()
