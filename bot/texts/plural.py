"""Numbers with nouns that agree («1 попытка», «2 раза», «5 баллов»), through pymorphy3.

A text asks for agreement with a format spec that is the noun in its dictionary form:
`"{count:раз}"` with `count=2` reads «2 раза» (see `Texts`); a case after the noun puts the
phrase in that case, `"Вы взяли {n:подсказка:accs}"` → «Вы взяли 1 подсказку». Russian
inflects the noun with pymorphy3's `make_agree_with_number`; a language without that inflection
after numerals (Kazakh: «2 рет») gets the number and the word as written.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pymorphy3 is imported on first use: a CLI's --help stays quick
    import pymorphy3
    from pymorphy3.analyzer import Parse


class Plurals:
    """`plurals(n, "балл")` -> «5 баллов». The analyser is built on first use (one per `Texts`)."""

    def __init__(self, language: str = "ru") -> None:
        self.language = language
        self._morph: pymorphy3.MorphAnalyzer | None = None
        self._noun = lru_cache(maxsize=256)(self._parse)

    def __call__(self, number: int, word: str, case: str | None = None) -> str:
        return f"{number} {self.noun(number, word, case)}"

    def noun(self, number: int, word: str, case: str | None = None) -> str:
        """The noun alone in the form that agrees with `number` («баллов» for 5), in `case`
        (a pymorphy3 case: nomn, gent, datv, accs, ablt, loct; default nominative)."""
        if self.language != "ru":
            return word
        parse = self._noun(word)
        if parse is None:
            return word
        if case is not None and case != "nomn":
            parse = parse.inflect({case}) or parse
        agreed = parse.make_agree_with_number(abs(number))
        return agreed.word if agreed is not None else word

    def _parse(self, word: str) -> Parse | None:
        """The noun reading of `word` in the nominative singular («раз» the noun, not adverb)."""
        if self._morph is None:
            import pymorphy3

            self._morph = pymorphy3.MorphAnalyzer()
        readings = self._morph.parse(word)
        for parse in readings:
            tag = parse.tag
            noun = tag.POS == "NOUN" and parse.normal_form == word
            if noun and {"nomn", "sing"} <= tag.grammemes:
                return parse
        return readings[0] if readings else None


def join(items: list[str], conjunction: str) -> str:
    """«a», «a и b», «a, b и c» (the conjunction is the language's «и»)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
