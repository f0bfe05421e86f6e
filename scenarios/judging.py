"""Rules OR an evidenced judge (`../shared/spec/llm.md` «The judge»), pure and shared by the
engine and `roleplay grade --judge`.

`judged_checks` picks the checks the standard marks `judge: true` among those graded; `combine`
adds the judge's `true` verdicts that quote the reply (found after the scorer's own
normalisation, two words at least or the whole reply) to the rule grade, never clears a rule
`true`, and records every other `true` as rejected; every verdict keeps its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from scenarios.protocols import JudgeCheck, JudgeVerdict
from scenarios.run import Source
from scoring import Evidence, GradeResult, Standard
from scoring.text import default_lexicon

MIN_QUOTE_WORDS = 2
JUDGE_RULE = "judge"
"""`Evidence.rule` of a verdict the judge added."""


class Review(BaseModel):
    """A grade after the judge's second opinion, with where each verdict came from."""

    model_config = ConfigDict(frozen=True)

    grade: GradeResult
    sources: dict[str, Source]
    opinion: dict[str, bool] = Field(default_factory=dict)
    rejected: list[JudgeVerdict] = Field(default_factory=list)

    @classmethod
    def rules_only(cls, grade: GradeResult) -> Review:
        return cls(grade=grade, sources=dict.fromkeys(grade.verdicts, "rules"))

    @property
    def added(self) -> list[str]:
        """The checks the judge turned true (steps performed, violations committed)."""
        return [check for check, source in self.sources.items() if source == "judge"]


def judged_checks(standard: Standard, ids: Iterable[str]) -> list[JudgeCheck]:
    """The checks among `ids` the standard marks `judge: true`, as the judge is shown them:
    title, definition (the description) and examples (a step's recommended wording if the
    standard gives no examples)."""
    out: list[JudgeCheck] = []
    for check_id in dict.fromkeys(ids):
        spec = standard.checks.get(check_id)
        if spec is None or not spec.judge:
            continue
        examples = spec.examples or (
            [e.text for e in spec.recommended if "{" not in e.text] if spec.kind == "step" else []
        )
        out.append(
            JudgeCheck(
                id=check_id,
                kind=spec.kind,
                title=spec.title,
                definition=spec.description or spec.title,
                examples=list(examples),
            )
        )
    return out


def find_quote(text: str, quote: str | None) -> Evidence | None:
    """Where `quote` occurs in `text` after the scorer's normalisation (case, ё/е, spaces,
    punctuation, Latin look-alikes), if it holds two words at least or is the whole reply;
    the evidence quotes the original text. None otherwise. Pure."""
    if not quote or not quote.strip():
        return None
    lexicon = default_lexicon()
    doc = lexicon.analyse(text)
    wanted = [t.form for t in lexicon.analyse(quote).tokens]
    forms = [t.form for t in doc.tokens]
    if not wanted or (len(wanted) < MIN_QUOTE_WORDS and wanted != forms):
        return None
    size = len(wanted)
    for i in range(len(forms) - size + 1):
        if forms[i : i + size] == wanted:
            start, end = doc.tokens[i].start, doc.tokens[i + size - 1].end
            return Evidence(quote=doc.text[start:end], start=start, end=end, rule=JUDGE_RULE)
    return None


def combine(
    grade: GradeResult, answer: Sequence[JudgeVerdict], checks: Sequence[JudgeCheck]
) -> Review:
    """Rules OR evidenced judge. Answers for checks that were not asked are ignored; a `true`
    without a quote found in the reply is rejected (and changes nothing). Pure."""
    asked = {check.id for check in checks}
    verdicts = dict(grade.verdicts)
    sources: dict[str, Source] = dict.fromkeys(grade.verdicts, "rules")
    opinion: dict[str, bool] = {}
    rejected: list[JudgeVerdict] = []
    for item in answer:
        if item.check not in asked or item.check not in verdicts:
            continue
        opinion[item.check] = opinion.get(item.check, False) or item.value
        if not item.value:
            continue
        evidence = find_quote(grade.text, item.quote)
        if evidence is None:
            rejected.append(item)
            continue
        if not verdicts[item.check].value:
            verdicts[item.check] = verdicts[item.check].model_copy(
                update={"value": True, "evidence": evidence}
            )
            sources[item.check] = "judge"
    combined = grade.model_copy(update={"verdicts": verdicts}) if "judge" in sources.values() else (
        grade
    )
    return Review(grade=combined, sources=sources, opinion=opinion, rejected=rejected)
