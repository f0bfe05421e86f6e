"""One bad scenario file is reported and skipped: `validate DIR`, `list` and the bot's start go on."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scenarios"))

from scenario_helpers import TINY  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.cli import cli  # noqa: E402
from bot.settings import Settings  # noqa: E402

BAD = {
    "alias-loop.yaml": TINY.replace("id: tiny", "id: loop").replace("kind: hold", "kind: &k [*k]"),
    "tagged.yaml": TINY.replace("id: tiny", "id: tagged").replace("difficulty: 1", 'difficulty: !!int "abc"'),
    "deep.yaml": "id: deep\nstates: " + "[" * 400 + "]" * 400 + "\n",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "good.yaml").write_text(TINY.replace("id: tiny", "id: my_own"), encoding="utf-8")
    for name, text in BAD.items():
        (lib / name).write_text(text, encoding="utf-8")
    return lib


def test_validate_reports_every_bad_file_and_exits_1(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1, result.output
    files = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert files == {str(folder / name) for name in BAD}
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_list_lists_the_rest_and_names_the_skipped_files(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--json"], env={"SCENARIOS_PATH": str(folder)})
    assert result.exit_code == 0, result.output
    assert "my_own" in [row["id"] for row in json.loads(result.stdout)]
    for name in BAD:
        assert f"пропущен: {folder / name}" in result.stderr


async def test_the_bot_starts_and_logs_each_skipped_file(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(_env_file=None, db_path=tmp_path / "bot.db", scenarios_path=folder)  # type: ignore[call-arg]
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        app = build_app(settings)
    try:
        assert "my_own" in app.library
        logged = " ".join(r.getMessage() for r in caplog.records)
        for name in BAD:
            assert f"scenario file skipped: {folder / name}:" in logged
    finally:
        await app.close()
