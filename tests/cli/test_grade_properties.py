"""Property tests of the grade protocol: whatever the bytes, every line is answered with valid JSON.

No traceback, no hang (input size is bounded by the strategies and the stream's own limits), one
answer per line that is not blank, in order.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.grade import grade_stream
from scoring import Grader, default_standard

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
CHECKS = ["greeting", "self_intro", "farewell", "no_such_check"]


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(default_standard())


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def answers(grader: Grader, data: bytes) -> list[dict[str, Any]]:
    sink = io.BytesIO()
    grade_stream(grader, io.BytesIO(data), sink)
    text = sink.getvalue().decode("utf-8")  # strict: the output is UTF-8
    assert text == "" or text.endswith("\n")
    out = [json.loads(line, parse_constant=_no_constant) for line in text.split("\n")[:-1]]
    for answer in out:
        assert isinstance(answer, dict) and "id" in answer
        assert ("verdicts" in answer) != ("error" in answer), answer
    return out


def expected_lines(data: bytes) -> list[bytes]:
    """The lines that are cases: split on \\n only, blank (whitespace-only UTF-8) lines left out."""
    pieces = data.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    out = []
    for piece in pieces:
        try:
            if not piece.decode("utf-8").strip():
                continue
        except UnicodeDecodeError:
            pass
        out.append(piece)
    return out


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["\ud800", "a\udfffb", "\x00", "\r", "\u2028"])  # lone surrogates too
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
texts = st.text(max_size=120) | st.sampled_from(
    ["Добрый день! Меня зовут Мария.", "Всего доброго!", "", "  ", "\r\n\t"]
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "time": st.sampled_from(["10:15", "23:59", "00:00", "24:00", "9:5", "aa:bb"])
        | json_values,
        "company": st.text(max_size=20) | json_values,
        "client_name": st.text(max_size=20),
        "third_party": st.lists(st.text(max_size=20), max_size=3) | json_values,
    },
)
cases = st.fixed_dictionaries(
    {"text": texts | json_values},
    optional={
        "id": json_scalars,
        "checks": st.lists(st.sampled_from(CHECKS), max_size=3) | json_values,
        "context": contexts | json_values,
        "expected": json_values,
    },
)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes_are_answered_line_by_line(grader: Grader, data: bytes) -> None:
    out = answers(grader, data)
    assert len(out) == len(expected_lines(data))


@SETTINGS
@given(lines=st.lists(st.binary(max_size=80).map(lambda b: b.replace(b"\n", b"")), max_size=8))
def test_every_line_of_random_bytes_gets_its_own_answer(grader: Grader, lines: list[bytes]) -> None:
    data = b"\n".join(lines) + b"\n"
    out = answers(grader, data)
    numbered = [n for n, line in enumerate(lines, start=1) if line in expected_lines(line + b"\n")]
    assert [o.get("line", n) for o, n in zip(out, numbered, strict=True)] == numbered


@SETTINGS
@given(values=st.lists(json_values | cases, min_size=1, max_size=6))
def test_random_json_values_are_answered_in_order(grader: Grader, values: list[Any]) -> None:
    lines = [json.dumps(v, ensure_ascii=True, allow_nan=True) for v in values]
    out = answers(grader, ("\n".join(lines) + "\n").encode())
    assert len(out) == len(lines)
    for value, answer in zip(values, out, strict=True):
        if "verdicts" in answer:
            assert isinstance(value, dict) and isinstance(value.get("text"), str)
            wanted = value.get("checks")
            if wanted is not None:
                assert set(answer["verdicts"]) == set(wanted)
            assert answer["id"] == value.get("id")
        else:
            assert answer["error"].startswith(f"line {answer['line']}: ")
