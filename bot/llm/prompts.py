"""Prompt files (`bot/llm/prompts/*.md`, Russian), loaded once and versioned.

A file starts with a header line `<!-- prompt: NAME; version: N -->` and holds sections, each
under a line `## section`. Sections are `string.Template` texts (`$name` placeholders), so JSON
examples in them need no escaping. The version recorded with every call is
`NAME/vN+HASH` (HASH: the first 8 hex digits of the file's sha256), so an edit that forgets to
bump N is still told apart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

HEADER = re.compile(r"<!--\s*prompt:\s*([a-z_]+)\s*;\s*version:\s*(\d+)\s*-->")
SECTION = re.compile(r"^## ([a-z0-9_.]+)\s*$", re.M)


class PromptError(Exception):
    """A prompt file is missing or malformed (a packaging bug, not input)."""


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    sections: dict[str, str]

    def text(self, section: str, **values: object) -> str:
        """One section with its placeholders filled. Raises KeyError for an unknown section
        or a missing value (bugs)."""
        return Template(self.sections[section]).substitute(
            {k: str(v) for k, v in values.items()}
        ).strip()

    def has(self, section: str) -> bool:
        return section in self.sections


def parse(name: str, raw: str) -> Prompt:
    """A prompt from a file's text. Raises `PromptError` without the header or sections."""
    header = HEADER.search(raw.split("\n", 1)[0])
    if header is None or header.group(1) != name:
        raise PromptError(
            f"prompt {name}: the first line must be <!-- prompt: {name}; version: N -->"
        )
    parts = SECTION.split(raw)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if not sections:
        raise PromptError(f"prompt {name}: no `## section` in the file")
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    return Prompt(name, f"{name}/v{header.group(2)}+{digest}", sections)


@cache
def load(name: str) -> Prompt:
    """The packaged prompt `bot/llm/prompts/NAME.md` (cached). Raises `PromptError`."""
    try:
        raw = resources.files("bot.llm").joinpath("prompts", f"{name}.md").read_text("utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise PromptError(f"prompt {name}: {exc}") from exc
    return parse(name, raw)
