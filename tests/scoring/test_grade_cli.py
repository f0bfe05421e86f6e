"""`roleplay grade`: the JSONL contract of checks.md and the trainer's single-phrase view."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli


def run_jsonl(lines: list[str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["grade", "--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_jsonl_contract_keeps_order_and_reports_errors_per_line() -> None:
    out = run_jsonl(
        [
            json.dumps(
                {
                    "id": "c1",
                    "text": "Добрый день! Меня зовут Мария.",
                    "checks": ["greeting", "self_intro"],
                    "context": {"time": "10:15"},
                },
                ensure_ascii=False,
            ),
            "{not json",
            json.dumps({"id": "c3", "text": "x", "checks": ["no_such_check"]}),
            json.dumps(
                {"id": "c4", "text": "До свидания", "checks": ["farewell"]}, ensure_ascii=False
            ),
        ]
    )
    assert out[0] == {"id": "c1", "verdicts": {"greeting": True, "self_intro": True}}
    assert out[1]["id"] is None and "invalid JSON" in str(out[1]["error"])
    assert out[2]["id"] == "c3" and "no_such_check" in str(out[2]["error"])
    assert out[3] == {"id": "c4", "verdicts": {"farewell": True}}


def test_jsonl_is_deterministic(tmp_path: Path) -> None:
    dev = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"
    lines = (
        dev.read_text(encoding="utf-8").splitlines()
        if dev.exists()
        else [json.dumps({"id": "x", "text": "Здравствуйте", "checks": ["greeting"]})]
    )
    assert run_jsonl(lines) == run_jsonl(lines)


def test_over_long_text_is_flagged() -> None:
    out = run_jsonl(
        [json.dumps({"id": "big", "text": "Здравствуйте! " * 1000, "checks": ["greeting"]})]
    )
    assert out[0]["verdicts"] == {"greeting": True} and out[0]["too_long"] is True


def test_single_text_prints_every_check_with_evidence() -> None:
    result = CliRunner().invoke(cli, ["grade", "Я не знаю, перезвоните завтра."])
    assert result.exit_code == 0
    assert "forbidden_phrase" in result.output and "«не знаю»" in result.output
    assert result.output.count("\n") >= 31


def test_console_script_reads_standard_input() -> None:
    case = json.dumps(
        {"id": "s", "text": "Спасибо за ожидание", "checks": ["thank_for_waiting"]},
        ensure_ascii=False,
    )
    out = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "grade", "--jsonl", "-"],
        input=case + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == {"id": "s", "verdicts": {"thank_for_waiting": True}}


def test_jsonl_passes_a_list_of_third_parties_to_the_grader() -> None:
    case = {
        "id": "t",
        "text": "Да, на Жумабаеву пришёл перевод.",
        "checks": ["data_disclosure"],
        "context": {"third_party": ["Жумабаева Сауле", 12]},
    }
    without = {**case, "id": "u", "context": {}}
    out = run_jsonl([json.dumps(case, ensure_ascii=False), json.dumps(without, ensure_ascii=False)])
    assert out == [
        {"id": "t", "verdicts": {"data_disclosure": True}},
        {"id": "u", "verdicts": {"data_disclosure": False}},
    ]


def test_single_text_takes_third_parties() -> None:
    args = ["grade", "Жумабаевой пришла посылка.", "--check", "data_disclosure"]
    plain = CliRunner().invoke(cli, args)
    named = CliRunner().invoke(cli, [*args, "--third-party", "Жумабаева Сауле"])
    assert plain.exit_code == named.exit_code == 0
    assert "data_disclosure" in plain.output and " нет" in plain.output
    assert " да " in named.output and "«Жумабаевой пришла посылка»" in named.output
