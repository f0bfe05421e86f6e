"""`roleplay validate --standard FILE`: a company's standard file is checked like a scenario."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_a_good_company_standard_validates_with_the_library() -> None:
    example = ROOT / "scoring" / "standards" / "company_example.yaml"
    result = CliRunner().invoke(cli, ["validate", "--standard", str(example)])
    assert result.exit_code == 0, result.output


def test_a_broken_standard_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "extends: default\nchecks:\n  greeting:\n    kind: step\n    title: Привет\n"
        "    phrases: ['/(/']\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "--standard", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:6:")
    assert "regular expression" in result.output
