"""`roleplay grade --jsonl` never stops at a bad line: each gets its own error, the rest is graded.

The contract is `../shared/spec/checks.md` «The grading contract»; output is always valid JSON,
one line a case, in the same order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli

GOOD = json.dumps(
    {"id": "ok", "text": "Добрый день!", "checks": ["greeting"], "context": {"time": "13:00"}},
    ensure_ascii=False,
).encode()


def run(lines: list[bytes]) -> list[dict[str, Any]]:
    """Feed raw bytes (every line followed by a good case) and parse every output line."""
    data = b"".join(line + b"\n" + GOOD + b"\n" for line in lines)
    result = CliRunner().invoke(cli, ["grade", "--jsonl", "-"], input=data)
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    out = [json.loads(line, parse_constant=_no_constants) for line in raw.decode().splitlines()]
    return out


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} in the output is not JSON")


def case(**fields: Any) -> bytes:
    return json.dumps({"id": "x", "text": "Здравствуйте", "checks": ["greeting"], **fields}).encode()


BAD: dict[str, tuple[bytes, str]] = {
    # name: (the line, words of its error)
    "invalid-utf8": (b'{"id": "x", "text": "\xff\xfe"}', "not UTF-8"),
    "lone-surrogate": (b'{"id": "x", "text": "\\ud800 hi"}', "`text` holds a lone UTF-16 surrogate"),
    "surrogate-in-id": (b'{"id": "\\udfff", "text": "hi"}', "`id` holds a lone UTF-16 surrogate"),
    "deep": (b'{"id": "x", "text": "hi", "more": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested"),
    "big-int": (b'{"id": ' + b"9" * 5000 + b', "text": "hi"}', "more than 4,300 digits"),
    "nan-id": (b'{"id": NaN, "text": "hi"}', "NaN is not a JSON value"),
    "infinity-id": (b'{"id": -Infinity, "text": "hi"}', "-Infinity is not a JSON value"),
    "huge-float-id": (b'{"id": 1e999, "text": "hi"}', "too large"),
    "time-25:99": (case(context={"time": "25:99"}), '`context.time` must be "HH:MM"'),
    "time-aa:bb": (case(context={"time": "aa:bb"}), '`context.time` must be "HH:MM"'),
    "time-number": (case(context={"time": 1015}), '`context.time` must be "HH:MM"'),
    "text-number": (case(text=42), "`text` must be a string"),
    "text-list": (case(text=["Здравствуйте"]), "`text` must be a string"),
    "text-missing": (b'{"id": "x"}', "`text` is missing"),
    "context-list": (case(context=["10:15"]), "`context` must be an object"),
    "checks-string": (case(checks="greeting"), "`checks` must be a list of check ids"),
    "checks-numbers": (case(checks=[1, 2]), "`checks` must be a list of check ids"),
    "company-number": (case(context={"company": 5}), "`context.company` must be a string"),
    "third-party-string": (case(context={"third_party": "Сериков"}), "`context.third_party`"),
    "third-party-object": (case(context={"third_party": [{"name": "x"}]}), "`context.third_party`"),
    "id-object": (b'{"id": {"a": 1}, "text": "hi"}', "`id` must be a string or a number"),
    "not-an-object": (b"[1, 2, 3]", "a case must be a JSON object"),
    "not-json": (b"{nope", "invalid JSON"),
    "unknown-check": (case(checks=["no_such"]), "no_such"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_line_gets_its_own_error_and_the_next_is_graded(name: str) -> None:
    line, words = BAD[name]
    out = run([line])
    assert len(out) == 2, out
    error, good = out
    assert set(error) == {"id", "line", "error"} and error["line"] == 1
    assert words in error["error"], error
    assert good == {"id": "ok", "verdicts": {"greeting": True}}


def test_every_bad_line_at_once_keeps_the_order() -> None:
    names = sorted(BAD)
    out = run([BAD[name][0] for name in names])
    assert len(out) == 2 * len(names)
    assert [o.get("line") for o in out[0::2]] == list(range(1, 2 * len(names), 2))
    assert all(o == {"id": "ok", "verdicts": {"greeting": True}} for o in out[1::2])


def test_the_id_of_a_wrong_case_is_echoed() -> None:
    (error, _) = run([case(context={"time": "25:99"})])
    assert error["id"] == "x" and "verdicts" not in error and "25:99" in error["error"]


def test_a_raw_cr_does_not_split_a_line() -> None:
    line = b'{"id": "cr",\r"text": "\xd0\x94\xd0\xbe\xd0\xb1\xd1\x80\xd1\x8b\xd0\xb9 \r\xd0\xb4\xd0\xb5\xd0\xbd\xd1\x8c", "checks": ["greeting"]}'
    out = run([line])
    assert out[0] == {"id": "cr", "verdicts": {"greeting": True}}
    assert len(out) == 2


def test_crlf_line_endings_are_accepted() -> None:
    result = CliRunner().invoke(cli, ["grade", "--jsonl", "-"], input=GOOD + b"\r\n" + GOOD + b"\r\n")
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["ok", "ok"]


def test_blank_lines_are_no_cases() -> None:
    result = CliRunner().invoke(cli, ["grade", "--jsonl", "-"], input=b"\n  \n" + GOOD + b"\n\n")
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["ok"]


def test_third_party_is_accepted_as_a_list_of_strings_or_numbers() -> None:
    out = run([case(context={"third_party": ["Сериков Бахыт", "ул. Абая, 15", 15]})])
    assert out[0] == {"id": "x", "verdicts": {"greeting": True}}


def test_an_over_long_line_is_answered_and_skipped() -> None:
    from bot.commands.grade import MAX_LINE_BYTES

    line = b'{"id": "long", "text": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}'
    out = run([line])
    assert "longer than" in out[0]["error"] and out[1]["id"] == "ok"


def test_bad_time_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["grade", "Добрый день", "--time", "25:99"])
    assert result.exit_code == 2 and "ЧЧ:ММ" in result.output


def test_the_console_script_survives_bytes_that_are_not_utf8() -> None:
    data = b"\xff\xfe\xfd\n" + GOOD + b"\n"
    proc = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "grade", "--jsonl", "-"],
        input=data, capture_output=True, check=True, env={"PYTHONIOENCODING": "ascii", "PATH": ""},
    )
    lines = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert "not UTF-8" in lines[0]["error"] and lines[1]["id"] == "ok"
    assert proc.stderr == b""
