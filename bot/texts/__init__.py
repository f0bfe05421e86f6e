"""The one texts mechanism for both doors: every user-facing string, keyed, per language.

Add a language by adding a module with a dict of the same keys and listing it in `TEXTS` (a test
checks that every language has every key and the same placeholders); a key a language lacks
falls back to Russian. Code looks texts up through `Texts`, never by literal strings.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from bot.texts.ru import RU

TEXTS: dict[str, Mapping[str, str]] = {"ru": RU}
DEFAULT_LANGUAGE = "ru"


class Texts:
    """Texts of one language (falls back to Russian for a key a language lacks).

    `texts("key", name=...)` formats the text; a missing key raises KeyError (a bug, not input).
    """

    def __init__(
        self, language: str = DEFAULT_LANGUAGE, table: Mapping[str, Mapping[str, str]] = TEXTS
    ) -> None:
        self.language = language if language in table else DEFAULT_LANGUAGE
        self._own = table[self.language]
        self._fallback = table[DEFAULT_LANGUAGE]

    def __call__(self, key: str, **values: object) -> str:
        template = self._own.get(key)
        if template is None:
            template = self._fallback[key]
        return template.format(**values) if values else template

    def get(self, key: str, default: str, **values: object) -> str:
        """Like calling, but `default` (a key) is used when `key` is not defined."""
        return self(key if self.has(key) else default, **values)

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback

    def kind(self, kind: str) -> str:
        """The Russian name of a scenario kind (`kind.other` for a kind a library adds)."""
        return self.get(f"kind.{kind}", "kind.other", kind=kind)


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a template (used by the test that compares languages)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
