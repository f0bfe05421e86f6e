"""A loader's problem in plain Russian for a trainer: Telegram shows these, and the terminal
prints them as `FILE:LINE:COL: сообщение` (`located`), the position exactly where the loader put
it.

The loaders (`scenarios.loader`, `scoring.standard`, `scoring.source`) word their problems in
English for the terminal. Each rule below recognises one wording and names a text key of
`bot/texts/ru_trainer.py` (`problem.*`) with the message's parts as values; a wording no rule
knows is shown as it is (a test feeds broken files through and asserts every one is known, so a
new wording is noticed).
"""

from __future__ import annotations

import re

from bot.texts import Texts
from scoring.source import Problem

_ID = r"'(?P<id>[^']+)'"
_SUGGEST = r"(?: \(did you mean '(?P<suggest>[^']+)'\?\))?"
_FIELD = r"(?P<field>[^:]+?): "

RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), key)
    for p, key in [
        (r"^unknown field '(?P<name>[^']+)'(?: in (?P<where>\S+?))?"
         r"(?:; allowed: (?P<allowed>.+))?$", "problem.unknown_field"),
        (r"^missing required field '(?P<name>[^']+)'(?: in (?P<where>\S+))?$",
         "problem.missing_field"),
        (rf"^{_FIELD}unknown check id {_ID}{_SUGGEST}$", "problem.unknown_check"),
        (rf"^{_FIELD}{_ID} is a (?P<kind>step|violation) check, not a (?P<want>step|violation) "
         r"check$", "problem.wrong_kind"),
        (rf"^{_FIELD}step {_ID} is not in this state's expect, so it is never graded$",
         "problem.step_not_expected"),
        (rf"^(?P<what>else|to|initial|on_patience_lost): state {_ID} does not exist{_SUGGEST}$",
         "problem.no_such_state"),
        (rf"^state {_ID} is final \(it has an outcome\), so it cannot have '(?P<name>[^']+)'$",
         "problem.final_has"),
        (rf"^state {_ID} has no client line: give 'client' variants$", "problem.no_client"),
        (rf"^state {_ID} has no 'else': .*$", "problem.no_else"),
        (rf"^on_patience_lost: state {_ID} must be a final state$", "problem.lost_not_final"),
        (r"^no final state: .*$", "problem.no_final"),
        (r"^patience: no final state with outcome hung_up .*$", "problem.no_hung_up"),
        (rf"^state {_ID} cannot be reached from '(?P<start>[^']+)'$", "problem.unreachable"),
        (rf"^state {_ID} can never lead to a final state \(a dead end loop\)$",
         "problem.dead_end"),
        (rf"^duplicate scenario id {_ID}: already used in (?P<other>.+)$",
         "problem.duplicate_id"),
        (r"^a scenario file must be a mapping of fields .*$", "problem.not_a_mapping"),
        (r"^states: give at least one state$", "problem.no_states"),
        (rf"^{_FIELD}use HH:MM, e\.g\. 10:30$", "problem.time_format"),
        (rf"^{_FIELD}use lowercase latin letters, digits and _, .*$", "problem.identifier"),
        (rf"^{_FIELD}a condition needs at least one test .*$", "problem.empty_condition"),
        (rf"^{_FIELD}Input should be less than or equal to (?P<n>\S+)$", "problem.at_most"),
        (rf"^{_FIELD}Input should be greater than or equal to (?P<n>\S+)$", "problem.at_least"),
        (rf"^{_FIELD}Input should be a valid integer.*$", "problem.integer"),
        (rf"^{_FIELD}Unable to parse input string as an integer.*$", "problem.integer"),
        (rf"^{_FIELD}Extra inputs are not permitted$", "problem.extra_field"),
        (rf"^{_FIELD}Field required$", "problem.required"),
        (rf"^{_FIELD}Input should be a valid number.*$", "problem.number"),
        (rf"^{_FIELD}Input should be a valid string$", "problem.string"),
        (rf"^{_FIELD}Input should be a valid list$", "problem.list"),
        (rf"^{_FIELD}Input should be a valid dictionary.*$", "problem.mapping"),
        (rf"^{_FIELD}Input should be a valid boolean.*$", "problem.boolean"),
        (rf"^{_FIELD}String should have at most (?P<n>\d+) characters?$", "problem.too_long"),
        (rf"^{_FIELD}String should have at least (?P<n>\d+) characters?$", "problem.too_short"),
        (rf"^{_FIELD}(?:List|Dictionary) should have at most (?P<n>\d+) items?.*$",
         "problem.too_many"),
        (rf"^{_FIELD}(?:List|Dictionary) should have at least (?P<n>\d+) items?.*$",
         "problem.too_few"),
        (rf"^{_FIELD}Input should be (?P<options>'.+)$", "problem.one_of"),
        (r"^the YAML tag '(?P<tag>[^']+)' is not allowed.*$", "problem.tag"),
        (r"^a second YAML document .*$", "problem.second_document"),
        (r"^nested more than (?P<n>\d+) levels deep.*$", "problem.too_deep"),
        (r"^the file holds more than (?P<n>[\d,]+) values .*$", "problem.too_many_values"),
        (r"^this value is (?P<size>[\d,]+) characters long; at most (?P<n>[\d,]+) .*$",
         "problem.value_too_long"),
        (r"^more than (?P<n>\d+) aliases .*$", "problem.too_many_aliases"),
        (r"^the alias '\*(?P<name>[^']+)' refers to no anchor .*$", "problem.alias_unknown"),
        (r"^the alias '\*(?P<name>[^']+)' is inside the value it refers to .*$",
         "problem.alias_loop"),
        (r"^duplicate key '(?P<name>[^']*)' \(first given on line (?P<line>\d+)\)$",
         "problem.duplicate_key"),
        (r"^a key must be a plain name, not a list or a mapping$", "problem.bad_key"),
        (r"^'<<' merges mappings: .*$", "problem.bad_merge"),
        (r"^'(?P<text>.*)' cannot be read as a (?P<type>\w+)$", "problem.bad_scalar"),
        (r"^the file is (?P<size>[\d,]+) bytes; at most (?P<n>[\d,]+) are (?:read|accepted).*$",
         "problem.file_too_big"),
        (r"^cannot read the file as UTF-8 text: byte (?P<byte>\S+) here is not UTF-8.*$",
         "problem.not_utf8"),
        (r"^the character (?P<char>\S+) is not allowed in a YAML file$", "problem.bad_char"),
        (r"^YAML syntax error: the quoted text opened here is never closed.*$",
         "problem.open_quote"),
        (r"^YAML syntax error: the text opened here with (?P<char>\S+) runs on to line "
         r"(?P<line>\d+).*$", "problem.runaway_quote"),
        (r"^YAML syntax error: the .+ opened here with '(?P<char>.)' is not closed.*$",
         "problem.open_bracket"),
        (r"^YAML syntax error: (?P<detail>.*)$", "problem.syntax"),
        (r"^only \.yaml or \.yml files can be published$", "problem.not_yaml"),
        (r"^(?P<field>checks\.[^:]+): a check needs `phrases` or a `context` value to match$",
         "problem.check_without_phrases"),
        (r"^(?P<field>[^:]+): `requires` names an unknown check '(?P<id>[^']+)'$",
         "problem.requires_unknown"),
        (r"^(?P<field>[^:]+): unknown check '(?P<id>[^']+)'$", "problem.unknown_check_plain"),
        (r"^extends: no such file '(?P<name>[^']+)'$", "problem.extends_missing"),
        (r"^extends: '(?P<name>[^']+)' leads back to this file.*$", "problem.extends_loop"),
        (r"^no such file or folder$", "problem.no_file"),
    ]
]
KINDS = {"step": "problem.kind.step", "violation": "problem.kind.violation"}


def explain(texts: Texts, message: str) -> str | None:
    """The message in Russian, or None when no rule knows its wording."""
    for pattern, key in RULES:
        match = pattern.match(message)
        if match is None:
            continue
        values = {k: v or "" for k, v in match.groupdict().items()}
        if values.get("suggest"):
            values["suggest"] = texts("problem.suggest", name=values["suggest"])
        if values.get("where"):
            values["where"] = texts("problem.where", where=values["where"])
        if values.get("allowed"):
            values["allowed"] = texts("problem.allowed", allowed=values["allowed"])
        if values.get("options"):
            values["options"] = values["options"].replace("' or '", "' или '")
        for name in ("kind", "want"):
            if name in values:
                values[name] = texts(KINDS[values[name]])
        return texts(key, **values)
    return None


def in_russian(texts: Texts, message: str) -> str:
    """`explain`, or the message itself when no rule knows it."""
    return explain(texts, message) or message


def located(texts: Texts, problem: Problem) -> str:
    """`FILE:LINE:COL: message`, the message in Russian (what every `roleplay` command prints)."""
    return f"{problem.file}:{problem.line}:{problem.col}: {in_russian(texts, problem.message)}"
