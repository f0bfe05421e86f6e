"""The one texts mechanism for both doors: every user-facing string, keyed, per language.

Add a language by adding a module with a dict of the same keys and listing it in `TEXTS` (a test
checks that every language has every key and the same placeholders); a key a language lacks
falls back to Russian. Code looks texts up through `Texts`, never by literal strings.

A number that meets a noun agrees with it: write the noun as the format spec, `"{count:раз}"`
(`count=2` → «2 раза», 5 → «5 раз»; `bot.texts.plural`). Role names, kinds and lists are words
of the language too (`Texts.role`, `Texts.kind`, `Texts.join`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from bot.texts.plural import Plurals, join
from bot.texts.ru import RU

TEXTS: dict[str, Mapping[str, str]] = {"ru": RU}
CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})
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
        self.plural = Plurals(self.language)
        self._formatter = _Formatter(self.plural)
        self._plain: dict[str, bool] = {}

    def __call__(self, key: str, **values: object) -> str:
        template = self._own.get(key)
        if template is None:
            template = self._fallback[key]
        if not values:
            return template
        plain = self._plain.get(template)
        if plain is None:
            plain = self._plain[template] = _plain(template)
        # a template with no word to agree with: `str.format` itself, the same text ~10× faster
        # than `string.Formatter` (a client line and its feedback format a dozen texts)
        return template.format(**values) if plain else self._formatter.format(template, **values)

    def get(self, key: str, default: str, **values: object) -> str:
        """Like calling, but `default` (a key) is used when `key` is not defined."""
        return self(key if self.has(key) else default, **values)

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback

    def kind(self, kind: str) -> str:
        """The Russian name of a scenario kind (`kind.other` for a kind a library adds)."""
        return self.get(f"kind.{kind}", "kind.other", kind=kind)

    def role(self, role: str, case: str = "nomn") -> str:
        """A role's name (`role.trainer` «тренер»; case `datv`: «тренерам», for «доступна …»)."""
        key = f"role.{role}" if case == "nomn" else f"role.{role}.{case}"
        return self(key) if self.has(key) else role

    def join(self, items: list[str]) -> str:
        """«a, b и c» in this language."""
        return join(items, self("list.and"))


def _plain(template: str) -> bool:
    """No format spec of `template` holds a letter beyond ASCII (a word `_Formatter` makes a
    number agree with)."""
    return all(spec is None or spec.isascii()
               for _, _, spec, _ in string.Formatter().parse(template))


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a template (used by the test that compares languages)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Formatter(string.Formatter):
    """`str.format` plus agreement: a format spec that is a word (not a format code) makes an
    integer agree with it, `{n:балл}` → «5 баллов»; `{n:подсказка:accs}` → «1 подсказку»."""

    def __init__(self, plural: Plurals) -> None:
        self.plural = plural

    def format_field(self, value: object, format_spec: str) -> str:
        word, _, case = format_spec.partition(":")
        noun = word.isalpha() and not word.isascii() and (not case or case in CASES)
        if noun and isinstance(value, int) and not isinstance(value, bool):
            return self.plural(value, word, case or None)
        return str(super().format_field(value, format_spec))
