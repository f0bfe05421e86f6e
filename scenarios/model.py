"""The scenario format as pydantic models: what a trainer may write in a scenario YAML file.

The models are the one source of every rule of the format: the shape of one file (types, allowed
fields, ranges, limits) and the defaults (patience 3, the first state listed is the initial one,
the first `hung_up` state is where the client goes when patience runs out). `scenarios.loader`
validates a file against these models and then checks the machine they describe (`Flow`: targets,
reachability, check ids of the standard), placing every problem at its file position.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from scoring.model import Channel as Channel  # re-exported: one list of channels

Outcome = Literal["resolved", "hung_up", "escalated"]
Mode = Literal["training", "exam"]

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64),
]
"""State ids (and the base of scenario ids and kinds): lowercase latin letters, digits, `_`."""

MAX_ID = 40
"""Longest scenario id or kind: they travel in Telegram button data, which holds 64 bytes
(`k:training:<kind>`, `go:training:<id>`; a test builds every button with the longest values)."""
ShortIdentifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=MAX_ID),
]
"""Scenario ids and kinds: like `Identifier`, at most `MAX_ID` characters."""

MAX_TEXT = 4000
"""Longest text a trainer may write in one field (a Telegram message holds 4,096 characters)."""
MAX_STATES = 100
DEFAULT_PATIENCE = 3

NonEmptyText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ScenarioContext(_Strict):
    """Who the client is and where the conversation happens (shown to the trainee and checks)."""

    company: NonEmptyText = Field(
        description="The organisation the trainee works for, e.g. «Почта России»."
    )
    client_name: str | None = Field(
        default=None, description="How the client wants to be addressed, e.g. «Иван Петрович»."
    )
    client_mood: str | None = Field(
        default=None, description="The client's mood, e.g. «раздражён»."
    )
    time: str | None = Field(
        default=None,
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Local time of the conversation, HH:MM (the greeting must fit it).",
    )
    channel: Channel = Field(default="phone", description="phone, office, chat or email.")
    agent_role: str | None = Field(
        default=None, description="Who the trainee plays, e.g. «оператор контакт-центра»."
    )
    third_party: list[NonEmptyText] = Field(
        default_factory=list,
        description="Names or facts of another person whose data must not be disclosed in this "
        "scene, e.g. [«Сериков Бахыт», «ул. Абая, 15»] (read by `data_disclosure`).",
    )


MAX_TENSION = 10
"""The client's tension runs from 0 (calm) to 10 (about to walk away)."""


class Persona(_Strict):
    """The client sheet an LLM voice plays (it never sees the checks, hints or score).

    A plain string in a scenario file is the sheet's `who` (the format before sheets existed).
    """

    who: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)] = Field(
        description="Who the client is: name, age, situation, what matters to them."
    )
    wants: str = Field(
        default="", max_length=MAX_TEXT, description="What the client wants from this contact."
    )
    knows: list[NonEmptyText] = Field(
        default_factory=list,
        max_length=20,
        description="Facts the client knows and tells only when the employee asks for them "
        "(a number, a date, what happened).",
    )
    speech: str = Field(
        default="",
        max_length=MAX_TEXT,
        description="How the client speaks: tone, pace, favourite words.",
    )
    tension: int | None = Field(
        default=None,
        ge=0,
        le=MAX_TENSION,
        description="Tension at the start, 0 calm – 10 about to walk away "
        "(default by difficulty: 2, 4, 6).",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: object) -> object:
        """`persona: "..."` (a plain description) is the sheet's `who`."""
        if isinstance(data, str):
            return {"who": data}
        return data

    @field_validator("who")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say who the client is")
        return value

    @property
    def text(self) -> str:
        """The whole sheet as one line of plain text (for a preview or a log)."""
        parts = [self.who, self.wants, *self.knows, self.speech]
        return " ".join(" ".join(p.split()) for p in parts if p.strip())


class Condition(_Strict):
    """Tests on the graded reply; every test given must hold."""

    score_at_least: int | None = Field(
        default=None, ge=0, le=100, description="Score 0–100 is at least this."
    )
    score_below: int | None = Field(
        default=None, ge=0, le=100, description="Score 0–100 is below this."
    )
    passed: list[Identifier] = Field(
        default_factory=list, description="Every one of these expected steps was performed."
    )
    missed: list[Identifier] = Field(
        default_factory=list, description="At least one of these expected steps was missed."
    )
    violations: list[Identifier] = Field(
        default_factory=list, description="At least one of these violations was committed."
    )
    any_violation: bool | None = Field(
        default=None, description="true: some violation was committed; false: none was."
    )
    tries_at_least: int | None = Field(
        default=None,
        ge=1,
        description="The trainee has answered in this state at least this many times.",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_dump(exclude_defaults=True):
            raise ValueError("a condition needs at least one test (e.g. score_at_least: 80)")
        return self


class Rule(_Strict):
    """One transition: go to `to` when the condition holds. Rules are tried top to bottom."""

    when: Condition
    to: Identifier = Field(description="The state to go to.")


class ClientVariant(_Strict):
    """One variant of the client's line. Written as a plain string, it may be said any time;
    written as `{text, done, not_done}`, only when the run so far fits it (a step is done once
    it is credited, in any reply so far) — and then in preference to the plain variants."""

    text: NonEmptyText = Field(description="What the client says.")
    done: list[Identifier] = Field(
        default_factory=list,
        description="Said only when every one of these steps is already done in the run.",
    )
    not_done: list[Identifier] = Field(
        default_factory=list, description="Said only when none of these steps is done yet."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value

    @model_serializer(mode="wrap")
    def _as_written(self, handler: SerializerFunctionWrapHandler) -> object:
        """A plain variant dumps as its string (so a scenario's version hash and stored
        content read as written)."""
        return self.text if self.plain else handler(self)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        variant = handler.resolve_ref_schema(handler(core_schema))
        text = dict(variant["properties"]["text"])
        text.pop("title", None)
        return {"anyOf": [text, variant]}

    @property
    def plain(self) -> bool:
        return not self.done and not self.not_done

    def holds(self, done: Collection[str]) -> bool:
        """Whether the variant fits a run whose credited steps are `done`."""
        return all(s in done for s in self.done) and not any(s in done for s in self.not_done)


class State(_Strict):
    """One moment of the conversation: the client speaks, the trainee replies, it is graded."""

    client: list[ClientVariant] = Field(
        default_factory=list,
        max_length=20,
        description="Variants of the client's line; one is picked per attempt, reproducibly. "
        "A variant may be `{text, done, not_done}`: said only when those steps are (not) done "
        "yet, in preference to the plain variants.",
    )
    expect: list[Identifier] = Field(
        default_factory=list,
        max_length=40,
        description="Step check ids the trainee is expected to perform in the reply.",
    )
    forbidden: list[NonEmptyText] = Field(
        default_factory=list,
        max_length=50,
        description="Extra phrases forbidden in the reply to this state.",
    )
    hint: str | None = Field(
        default=None,
        max_length=MAX_TEXT,
        description="A tip shown to the trainee in training mode (may hold {placeholders}).",
    )
    examples: dict[Identifier, NonEmptyText] = Field(
        default_factory=dict,
        max_length=40,
        description="This state's own example per expected step (shown instead of the "
        "standard's wording; may hold {client_name}, {company}, {agent_name}, {greeting}).",
    )
    transitions: list[Rule] = Field(
        default_factory=list,
        max_length=30,
        description="Rules tried in order after the reply is graded.",
    )
    else_: Identifier | None = Field(
        default=None, alias="else", description="The state to go to when no rule matches."
    )
    outcome: Outcome | None = Field(
        default=None, description="Makes this a final state: resolved, hung_up or escalated."
    )

    @property
    def final(self) -> bool:
        return self.outcome is not None

    def lines_for(self, done: Collection[str]) -> list[str]:
        """The variants the client may say now: those whose conditions hold on a run with
        these steps done, else the plain ones."""
        fitting = [v.text for v in self.client if not v.plain and v.holds(done)]
        return fitting or [v.text for v in self.client if v.plain]

    def texts(self) -> list[str]:
        """Every variant's text, plain or conditional."""
        return [v.text for v in self.client]

    def targets(self) -> list[str]:
        """Every state this state can move to by its own rules (in order, `else` last)."""
        out = [rule.to for rule in self.transitions]
        if self.else_ is not None:
            out.append(self.else_)
        return out


class Flow(_Strict):
    """The state machine of a scenario: its states and how a run starts and runs out of patience.

    Every default of the machine lives here, and the loader checks the machine on this model.
    """

    patience: int | None = Field(
        default=DEFAULT_PATIENCE,
        ge=1,
        description="After this many bad replies the client hangs up (null: never).",
    )
    initial: Identifier | None = Field(
        default=None, description="The first state (default: the first state listed)."
    )
    on_patience_lost: Identifier | None = Field(
        default=None,
        description="Final state when patience runs out (default: the first hung_up state).",
    )
    states: dict[Identifier, State] = Field(min_length=1, max_length=MAX_STATES)

    @model_validator(mode="before")
    @classmethod
    def _default_initial(cls, data: object) -> object:
        """Without `initial`, the first state listed is the initial one."""
        if isinstance(data, dict) and data.get("initial") is None:
            states = data.get("states")
            if isinstance(states, dict) and states:
                data = {**data, "initial": next(iter(states))}
        return data

    @property
    def initial_state(self) -> str:
        return self.initial if self.initial is not None else next(iter(self.states))

    @property
    def patience_state(self) -> str | None:
        """The final state the client goes to when patience runs out, if any."""
        if self.patience is None:
            return None
        if self.on_patience_lost is not None:
            return self.on_patience_lost
        for name, state in self.states.items():
            if state.outcome == "hung_up":
                return name
        return None

    def final_states(self) -> list[str]:
        return [name for name, state in self.states.items() if state.final]


DEFAULT_TENSION = {1: 2, 2: 4, 3: 6}
"""A scenario's starting tension by difficulty when its persona sheet gives none."""


def _string_or_sheet(schema: JsonDict) -> None:
    """In the JSON Schema, `persona` is a sheet or (the older form) one string."""
    options = schema.pop("anyOf", None)
    sheet = [o for o in options if o != {"type": "null"}] if isinstance(options, list) else []
    schema["anyOf"] = [*sheet, {"type": "string", "maxLength": MAX_TEXT}, {"type": "null"}]


class Scenario(Flow):
    """One role-play scenario: a briefing, a context and a state machine of client lines."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        title="Role-play scenario",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    id: ShortIdentifier = Field(description="Unique scenario id, e.g. hold_request.")
    title: NonEmptyText = Field(description="Title shown in the scenario menu.")
    kind: ShortIdentifier = Field(
        description="difficult_client, system_failure, hold, complaint, opening, transfer, ..."
    )
    difficulty: int = Field(ge=1, le=3, description="1 easy, 2 medium, 3 hard.")
    briefing: NonEmptyText = Field(description="What the trainee is told before the start.")
    context: ScenarioContext
    persona: Persona | None = Field(
        default=None,
        description="The client sheet an LLM voice plays: who, wants, knows (told only when "
        "asked), speech, tension; a plain string is the sheet's `who`.",
        json_schema_extra=_string_or_sheet,
    )
    mode: Mode = Field(default="training", description="training shows hints; exam does not.")

    _version: str = PrivateAttr(default="")

    @field_validator("persona", mode="before")
    @classmethod
    def _blank_persona(cls, value: object) -> object:
        """`persona: ""` (or only spaces) means no sheet."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_serializer("persona")
    def _persona_out(self, persona: Persona | None) -> object:
        """A sheet that holds only `who` is written back as the plain string it came from, so
        a scenario written before sheets existed keeps its content hash (its `version`)."""
        if persona is None:
            return ""
        if not persona.model_dump(exclude_defaults=True).keys() - {"who"}:
            return persona.who
        return persona.model_dump(mode="json", exclude_defaults=True)

    def model_post_init(self, context: object, /) -> None:
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        self._version = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    @property
    def start_tension(self) -> int:
        """The client's tension when a run starts: the sheet's, else by difficulty."""
        if self.persona is not None and self.persona.tension is not None:
            return self.persona.tension
        return DEFAULT_TENSION[self.difficulty]

    @property
    def version(self) -> str:
        """Content hash of the scenario (comments and formatting do not change it)."""
        return self._version

    def mode_for(self, requested: str | None) -> Mode:
        """The mode a run is played in: an exam scenario, or an exam asked for, is an exam
        (no hints, feedback only on the card); anything else is training."""
        return "exam" if "exam" in (requested, self.mode) else "training"
