"""The end event of `roleplay play --jsonl` adds up, for every library scenario: `score` and
`passed` recompute from the event alone, the stored attempt keeps the same numbers and the
formula's version. The run goes through the terminal door's own loop and JSONL frontend
(`play_session`, `JsonlFrontend`) on a real service and SQLite file; the simulated trainee reads
each client event and answers it (`tests/helpers/trainee.py`)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from trainee import (
    Phrases,
    late_trainee,
    recompute,
    rude_trainee,
    scene,
    standard_trainee,
)

from bot.commands.play import JsonlFrontend, play_session
from bot.service import TrainingService
from bot.storage import Storage
from bot.texts import Texts
from scenarios import ClientLine, load_library
from scoring import RUN_FORMULA, Context, Grader, default_standard

Trainee = Callable[[Phrases, ClientLine, int], str]


class Events(io.StringIO):
    """The JSONL output, parsed as it is written."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def write(self, text: str) -> int:
        self.events += [json.loads(line) for line in text.splitlines() if line.strip()]
        return len(text)


class Answers:
    """Standard input for the JSONL door: each read answers the last client event."""

    def __init__(self, out: Events, service: TrainingService, trainee: Trainee) -> None:
        self.out, self.service, self.trainee = out, service, trainee
        self.turn = 0
        self.phrases: Phrases | None = None

    def readline(self) -> str:
        start = self.out.events[0]
        if self.phrases is None:
            scenario = self.service.scenario(start["scenario"])
            context = Context(**start["context"])
            where = scene(scenario, self.service.standard, "Мария")
            self.phrases = Phrases(scenario, self.service.grader, context, where)
        client = [e for e in self.out.events if e["event"] == "client"][-1]
        line = ClientLine(state=client["state"], text=client["text"], expect=client["expect"])
        reply = self.trainee(self.phrases, line, self.turn)
        self.turn += 1
        return reply + "\n"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[TrainingService]:
    standard = default_standard()
    svc = TrainingService(
        Storage(tmp_path / "roleplay.db"), load_library(), Grader(standard), standard=standard
    )
    try:
        yield svc
    finally:
        svc.close()


async def run_jsonl(
    service: TrainingService, scenario_id: str, trainee: Trainee
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Play through the JSONL door; return the end event and every event."""
    out = Events()
    frontend = JsonlFrontend(out, Answers(out, service, trainee))  # type: ignore[arg-type]
    person = service.people.terminal_person("tester", "Мария")
    await play_session(
        service, person, scenario_id, frontend, Texts(), seed=5, agent_name="Мария",
    )
    assert out.events[-1]["event"] == "end"
    return out.events[-1], out.events


SCENARIOS = sorted(load_library())
TRAINEES: dict[str, Trainee] = {
    "standard": standard_trainee,
    "rude": rude_trainee,
}


@pytest.mark.parametrize("scenario_id", SCENARIOS)
@pytest.mark.parametrize("who", sorted(TRAINEES))
async def test_end_event_recomputes_from_itself(
    service: TrainingService, scenario_id: str, who: str
) -> None:
    end, events = await run_jsonl(service, scenario_id, TRAINEES[who])
    assert recompute(end) == (end["score"], end["passed"])
    assert end["passed"] is (who == "standard")
    assert set(end["weights"]) == set(end["steps"])
    assert end["formula"] == RUN_FORMULA
    if who == "standard":
        assert end["score"] >= 90 and end["outcome_passed"] is True
    else:
        assert any(v["check"] == "rudeness" and v["quote"] and v["blocking"]
                   for v in end["violations"])
    row = service.storage.get_attempt(end["attempt_id"])
    assert (row.score, row.passed, row.formula) == (end["score"], end["passed"], RUN_FORMULA)
    assert row.card is not None
    assert row.card["score"] == end["score"] and row.card["steps"] == end["steps"]


async def test_feedback_events_say_what_was_made_up(service: TrainingService) -> None:
    end, events = await run_jsonl(service, "complaint", late_trainee("details",
                                                                     "thank_for_feedback"))
    feedback = [e for e in events if e["event"] == "feedback"]
    missed = next(e for e in feedback if "thank_for_feedback" in e["missed"])
    later = feedback[feedback.index(missed) + 1]
    assert later["made_up"] == ["thank_for_feedback"]
    assert "thank_for_feedback" not in later["required"]
    assert end["steps"]["thank_for_feedback"] is True and end["passed"] is True
    assert end["credited_at"]["thank_for_feedback"] == end["expected_at"][
        "thank_for_feedback"] + 1


@pytest.mark.parametrize(
    "leak",
    [
        "Добрый вечер! Он теперь живёт на улице Абая, 15.",
        "Добрый вечер! Да, посылка на его имя пришла, лежит у нас.",
        "Добрый вечер! Посылка Серикова уже в отделении.",
    ],
)
async def test_confidentiality_disclosure_fails_the_run_with_the_quote(
    service: TrainingService, leak: str
) -> None:
    def trainee(phrases: Phrases, line: ClientLine, turn: int) -> str:
        return leak if turn == 0 else phrases.reply(line.expect)

    end, _ = await run_jsonl(service, "confidentiality", trainee)
    disclosures = [v for v in end["violations"] if v["check"] == "data_disclosure"]
    assert disclosures and all(v["blocking"] and v["quote"] in leak for v in disclosures)
    assert end["passed"] is False and end["outcome"] == "escalated"
    assert recompute(end) == (end["score"], False)


async def test_confidentiality_polite_refusal_with_the_lawful_way_passes(
    service: TrainingService,
) -> None:
    """A refusal with its reason and the lawful way, in the trainee's own words, each time the
    neighbour asks."""
    refusal = (
        "Добрый вечер! Извините, но сведения о чужих отправлениях и адресах я не сообщаю — "
        "это персональные данные, они защищены законом. Бахыт может сам прийти в отделение "
        "или оформить на Вас доверенность, тогда посылку выдадут Вам."
    )

    def trainee(phrases: Phrases, line: ClientLine, turn: int) -> str:
        if turn == 0:
            return refusal
        return phrases.reply(line.expect)

    end, _ = await run_jsonl(service, "confidentiality", trainee)
    assert end["steps"]["privacy_refusal"] is True and end["steps"]["solution"] is True
    assert not end["violations"]
    assert end["passed"] is True and end["score"] >= 90 and end["outcome"] == "resolved"
