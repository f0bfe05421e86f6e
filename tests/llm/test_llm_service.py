"""The training service with the LLM seams over a real local OpenAI-compatible server:
a healthy LLM is used; an outage degrades to scripted lines and rule grading, and the turn is
still graded and saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_llm import FakeLLM
from mini_scenario import GOOD, started, write_mini

from bot.llm import LLMClient, LLMJudge, LLMVoice
from bot.service import TrainingService
from bot.storage import Storage

SCRIPTED_OPENING = {"Алло, здравствуйте!", "Алло? Это почта?", "Добрый день, я по поводу посылки."}


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    with Storage(tmp_path / "roleplay.db") as s:
        yield s


def _service(
    storage: Storage, tmp_path: Path, http: httpx.AsyncClient, url: str
) -> TrainingService:
    from scenarios import load_library
    from scoring import Grader, default_standard

    standard = default_standard()
    llm = LLMClient(http, base_url=url, model="fake", timeout=0.5, cooldown=0.0)
    return TrainingService(
        storage,
        load_library(write_mini(tmp_path / "lib"), standard),
        Grader(standard),
        LLMVoice(llm),
        LLMJudge(llm, standard),
        standard=standard,
    )


async def test_healthy_llm_voices_the_client_and_judges(
    fake_llm: FakeLLM, http: httpx.AsyncClient, storage: Storage, tmp_path: Path
) -> None:
    service = _service(storage, tmp_path, http, fake_llm.base_url)
    person = storage.create_person("Анна")
    fake_llm.voice_reply = "Алло, это почта? Я насчёт посылки звоню."
    fake_llm.judge_reply = {"company_name": False}  # the judge disagrees with the rules
    attempt_id, line = await started(service, person.id, "mini_call", seed=1)
    assert line.text == "Алло, это почта? Я насчёт посылки звоню." and not line.degraded
    view = await service.answer(attempt_id, GOOD[0], person_id=person.id)
    assert view.degraded is False
    assert view.result.grade.verdicts["company_name"].value is False
    assert "company_name" in view.result.score.missed_steps
    (turn,) = storage.turns(attempt_id)
    assert turn.client_line == "Алло, это почта? Я насчёт посылки звоню."
    assert turn.verdicts["company_name"]["value"] is False and turn.degraded is False
    judged = [r for r in fake_llm.requests if r.get("response_format")]
    assert len(judged) == 1 and GOOD[0] in judged[0]["messages"][-1]["content"]


@pytest.mark.parametrize("fault", ["500", "slow", "garbage", "refused"])
async def test_outage_degrades_and_the_turn_is_still_graded_and_saved(
    fake_llm: FakeLLM,
    http: httpx.AsyncClient,
    storage: Storage,
    tmp_path: Path,
    fault: str,
) -> None:
    url = FakeLLM.refused_url() if fault == "refused" else fake_llm.base_url
    fake_llm.fault = None if fault == "refused" else fault
    service = _service(storage, tmp_path, http, url)
    person = storage.create_person("Борис")
    attempt_id, line = await started(service, person.id, "mini_call", seed=1)
    assert line.text in SCRIPTED_OPENING and line.degraded is True
    view = await service.answer(attempt_id, GOOD[0], person_id=person.id)
    assert view.degraded is True
    assert view.result.score.passed and view.result.grade.verdicts["greeting"].value is True
    assert view.line is not None and view.line.text == "Спасибо, всё понятно."
    (turn,) = storage.turns(attempt_id)
    assert turn.degraded is True and turn.score == view.result.score.score
    assert storage.get_attempt(attempt_id).turn_count == 1


async def test_the_voice_gets_the_library_scenarios_persona_and_mood(
    fake_llm: FakeLLM, http: httpx.AsyncClient, storage: Storage
) -> None:
    """The request the engine really sends: the persona sheet and the client's mood of a
    library scenario reach the system prompt; the rubric (expected steps, hints) does not."""
    from scenarios import load_library
    from scoring import Grader, default_standard

    standard = default_standard()
    library = load_library(None, standard)
    scenario = library["complaint"]
    llm = LLMClient(http, base_url=fake_llm.base_url, model="fake", timeout=1.0, cooldown=0.0)
    service = TrainingService(storage, library, Grader(standard), LLMVoice(llm), None,
                              standard=standard)
    person = storage.create_person("Вика")
    attempt_id, _ = await started(service, person.id, "complaint", seed=1)
    await service.answer(attempt_id, "Здравствуйте! Понимаю, приношу извинения.",
                         person_id=person.id)
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert " ".join(scenario.persona.split()) in system
    assert scenario.context.client_mood and scenario.context.client_mood in system
    assert scenario.context.client_name and scenario.context.client_name in system
    opening = scenario.states["opening"]
    assert opening.hint and opening.hint not in system
    everything = str(fake_llm.requests)
    for check in opening.expect:
        assert check not in everything
    history = fake_llm.requests[-1]["messages"][1:-1]
    assert {"role": "user", "content": "Здравствуйте! Понимаю, приношу извинения."} in history
