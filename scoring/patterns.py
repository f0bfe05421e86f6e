"""Phrase patterns: the small language a trainer writes phrases in, compiled and matched on lemmas.

Syntax of one phrase (words separated by spaces):

    word        any inflection of the word (matched on pymorphy3 lemmas)
    a|b|c       alternatives
    =form       exactly this word form (after normalisation: lower case, «ё»→«е»)
    /regex/     a word form matching the regular expression as a whole
    word:1per,INFN   the word in a form carrying one of these pymorphy3 grammemes
    word:-impr  the word in a form without this grammeme (several: word:-impr,-2per)
    [x]         optional element (x is any of the above)
    *           any one word
    #           a number (digits or a numeral)
    #phone      a number in phone shape: «8 701 555 12 34», «+7 (912) 404-77-18», «22-15-40»
    ^           a name: a capitalised word inside a sentence, or one pymorphy3 tags as a name
    $key        a word of a mention of the context value `key` (e.g. `$third_party`: another
                person named in the context, in any case); never matches without that context
    @name       the alternatives of the standard's word list `name` (`words:` in the file):
                `на|для @kin|он|она` is `на|для сосед|соседка|…|он|она`
    ~N          up to N other words in between (…, the same as ~3)
    ,           a clause starts here (after a comma, dash, colon, bracket or quote, or at the
                sentence's start); matches no word: «=вы =что ,» is «Вы что, …», not «Вам что
                подсказать»
    —           a dash stands here: «*:ADVB — не *:impr» is «Дорого — не отправляйте»

A phrase matches inside one sentence. Unless the phrase says `negation: allow`, a match is
discarded when a negation («не», «ни», «нет», «без») stands in one of its gaps or just before it
in the same clause, so «Вы не должны» is not «Вы должны», «не отключайтесь» is not consent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from scoring.errors import PatternError
from scoring.text import NEGATIONS, Analysed, Lexicon, Token, WordInfo

_GAP = re.compile(r"^~(\d+)$")
#: A word list's name (`@name` in a phrase, a key of the standard's `words:`).
WORD_LIST_NAME = re.compile(r"[a-z][a-z0-9_]*")
#: Index keys the grader gives the tokens a token class may match (a superset: the class itself
#: still decides), so phrases made of them are tried only where they can match.
NUMBER_KEY, PHONE_KEY, NAME_KEY, REGEX_KEY = "@@num", "@@phone", "@@name", "/re/"
#: Context values a phrase may refer to as `$key` (their mentions are marked by the grader).
CONTEXT_MARKS = frozenset({"third_party", "client_name", "agent_name", "company"})
_NUMERAL_LEMMAS = frozenset(
    {"пара", "несколько", "полтора", "пол", "пару", "пол-минуты", "полминуты", "один", "два"}
)
_PRONOUNS = frozenset(
    {"вы", "вас", "вам", "вами", "ваш", "ваша", "ваше", "ваши", "вашего", "вашей"}
)
_FILLERS = frozenset(
    {"ну", "и", "а", "да", "же", "вот", "так", "уж", "ой", "ладно", "ага", "то", "ли", "вам", "вы"}
    | {"пожалуйста", "будьте", "добры", "извините", "простите"}
    # a leading «Хорошо,», «Секунду,» does not make a sentence more than its phrase
    | {"хорошо", "конечно", "понятно", "ясно", "отлично", "секунду", "минутку", "секундочку"}
    | {"минуточку"}
)


@dataclass(frozen=True, slots=True)
class Alt:
    """One alternative of an element."""

    keys: frozenset[str] = frozenset()  # lemma keys (or exact forms when exact)
    exact: bool = False
    regex: re.Pattern[str] | None = None
    grams_any: frozenset[frozenset[str]] = frozenset()  # one of these sets must be all present
    grams_none: frozenset[str] = frozenset()
    special: str | None = None  # "any" | "num" | "phone" | "name" | "context" (keys: {"$key"})


@dataclass(frozen=True, slots=True)
class Element:
    alts: tuple[Alt, ...] = ()
    optional: bool = False
    gap: int = 0  # > 0: a gap element
    negation: bool = False  # explicitly matches a negation word
    boundary: str = ""  # "," a clause starts here, "—" a dash stands here (match no word)
    # the words of the alternatives that match on a lemma alone (no grammemes, no exact form),
    # and whether every alternative is one of them: a quick answer for most tokens
    lemma_keys: frozenset[str] = frozenset()
    lemmas_only: bool = False

    @property
    def keys(self) -> frozenset[str] | None:
        """Keys one of which must be in the reply's bag, or None when this element has no key."""
        out: set[str] = set()
        for alt in self.alts:
            if not alt.keys:
                return None
            out |= alt.keys
        return frozenset(out)


@dataclass(frozen=True, slots=True)
class Phrase:
    source: str
    elements: tuple[Element, ...]
    question: bool = False
    statement: bool = False
    whole: bool = False
    whole_clause: bool = False
    alone: bool = False  # the reply is this one sentence
    negation_allowed: bool = False
    requires: tuple[str, ...] = ()
    label: str | None = None  # e.g. the period of a time-of-day greeting
    when: str | None = None  # counts only when the context gives this value
    required_keys: tuple[frozenset[str], ...] = field(default=())
    needs: tuple[Phrase, ...] = ()  # counts only if one of these also matches in the reply
    at_least: int = 1  # counts only where it matches this many times in the reply
    # the keys one of which the word a match starts with carries (None: it may start anywhere)
    start_keys: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Match:
    phrase: Phrase
    start: int  # token index
    end: int  # token index, exclusive
    sentence: int


def _merge(alts: tuple[Alt, ...]) -> tuple[Alt, ...]:
    """Alternatives that differ only in their words become one (a 50-verb list is one lookup)."""
    merged: dict[tuple[bool, frozenset[frozenset[str]], frozenset[str]], set[str]] = {}
    rest: list[Alt] = []
    for alt in alts:
        if alt.special is None and alt.regex is None and alt.keys:
            merged.setdefault((alt.exact, alt.grams_any, alt.grams_none), set()).update(alt.keys)
        else:
            rest.append(alt)
    return (
        *(
            Alt(keys=frozenset(keys), exact=exact, grams_any=any_, grams_none=none)
            for (exact, any_, none), keys in merged.items()
        ),
        *rest,
    )


def _alt_matches(alt: Alt, token: Token, fuzzy_ok: bool) -> bool:
    info = token.info
    if alt.special is None and alt.regex is None and not alt.exact:  # the common case: a lemma
        if info is None:
            return token.form in alt.keys
        if not alt.grams_any and not alt.grams_none:
            if not alt.keys.isdisjoint(info.lemmas):
                return True
        elif _lemma_matches(alt, info):
            return True
        if not fuzzy_ok:
            return False
        if token.fixed is not None and _lemma_matches(alt, token.fixed):
            return True
        if not token.fuzzy or alt.keys.isdisjoint(token.fuzzy):
            return False
        # near a standard word: the form must still carry the grammemes the phrase asks for
        return (not alt.grams_any and not alt.grams_none) or _grams_ok(alt, info.tags)
    if alt.special == "any":
        if alt.grams_any or alt.grams_none:  # any word: judged by its most likely reading
            if info is None:
                return False
            if _grams_ok(alt, info.first_grams, info.tags):
                return True
            fixed = token.fixed if fuzzy_ok else None  # a typo: what the corrections say
            return fixed is not None and _grams_ok(alt, fixed.first_grams, fixed.tags)
        return info is not None or token.is_number
    if alt.special == "num":
        return token.is_number or (info is not None and not info.lemmas.isdisjoint(_NUMERAL_LEMMAS))
    if alt.special == "phone":
        return token.phone
    if alt.special == "context":
        return not alt.keys.isdisjoint(token.marks)
    if alt.special == "name":
        if info is None or token.reserved or token.form in _PRONOUNS:
            return False
        if info.name_first:
            return True
        if not token.capitalised or token.sentence_start:
            return False
        return not info.known or not {"Name", "Surn", "Patr"}.isdisjoint(info.tags)
    if alt.regex is not None:
        return alt.regex.fullmatch(token.form) is not None
    # exact forms
    return token.form in alt.keys or (fuzzy_ok and not token.fuzzy.isdisjoint(alt.keys))


def _lemma_matches(alt: Alt, info: WordInfo) -> bool:
    hit = alt.keys & info.lemmas
    if not hit:
        return False
    if not alt.grams_any and not alt.grams_none:
        return True
    return any(_grams_ok(alt, info.grams.get(lemma, frozenset())) for lemma in hit)


def _grams_ok(alt: Alt, grams: frozenset[str], excluded: frozenset[str] | None = None) -> bool:
    """The wanted grammemes are in `grams`; the unwanted ones in neither `grams` nor `excluded`."""
    if alt.grams_any and not any(need <= grams for need in alt.grams_any):
        return False
    if not alt.grams_none:
        return True
    return grams.isdisjoint(alt.grams_none) and (
        excluded is None or excluded.isdisjoint(alt.grams_none)
    )


def class_keys(token: Token) -> list[str]:
    """The token-class keys of one token: a number, a phone, a possible name."""
    info = token.info
    keys = []
    if token.is_number or (info is not None and not info.lemmas.isdisjoint(_NUMERAL_LEMMAS)):
        keys.append(NUMBER_KEY)
    if token.phone:
        keys.append(PHONE_KEY)
    if info is not None and (
        info.name_first or (token.capitalised and not token.sentence_start)
    ):
        keys.append(NAME_KEY)
    return keys


def _plain(alt: Alt) -> bool:
    """An alternative that matches a known word by its lemma alone (the common case)."""
    return (
        alt.special is None
        and alt.regex is None
        and not alt.exact
        and not alt.grams_any
        and not alt.grams_none
    )


def _element_matches(element: Element, token: Token, fuzzy_ok: bool) -> bool:
    info = token.info
    if info is not None:
        # what `_alt_matches` says of the plain alternatives, without calling it
        if not element.lemma_keys.isdisjoint(info.lemmas):
            return True
        if element.lemmas_only and (
            not fuzzy_ok or (token.fixed is None and not token.fuzzy)
        ):
            return False
    for alt in element.alts:  # noqa: SIM110 - hot path: a loop beats any() with a generator
        if _alt_matches(alt, token, fuzzy_ok):
            return True
    return False


class PatternCompiler:
    """Compiles phrase strings to `Phrase`s; raises `PatternError` with a plain message."""

    def __init__(self, lexicon: Lexicon, words: Mapping[str, str] | None = None) -> None:
        self._lexicon = lexicon
        self._words = dict(words or {})

    def word_list_error(self, value: str) -> str | None:
        """What is wrong with a word list's alternatives (None: nothing): each must be an
        alternative of the phrase language, with no grammemes (a list it names is expanded
        first, `expand`)."""
        for part in value.split("|"):
            if not part or ":" in part or part[0] in "@/[~#^*,—":
                return (
                    f"«{part}» cannot stand in a word list (write words, =forms or $key, "
                    "separated by «|»)"
                )
            try:
                self._alt(part)
            except PatternError as exc:
                return str(exc)
        return None

    def expand(self, words: str) -> list[str]:
        """The alternatives of `a|@list|b`, with every `@list` replaced by its words; raises
        `PatternError` for a list it does not know."""
        out: list[str] = []
        for part in words.split("|"):
            if not part.startswith("@"):
                out.append(part)
                continue
            name = part[1:]
            if name not in self._words:
                known = ", ".join(f"@{k}" for k in sorted(self._words)) or "none"
                raise PatternError(f"«{part}» names no word list (known: {known})")
            out += self._words[name].split("|")
        return out

    def _alt(self, text: str) -> Alt:
        if text == "*":
            return Alt(special="any")
        if text.startswith("*:"):
            grams_any, grams_none = self._grams(text[2:])
            # filed under one grammeme of each wanted set, so the reply index can find it
            index_keys = frozenset(f"@{min(need)}" for need in grams_any if need)
            return Alt(special="any", grams_any=grams_any, grams_none=grams_none, keys=index_keys)
        if text == "#":
            return Alt(special="num", keys=frozenset({NUMBER_KEY}))
        if text == "#phone":
            return Alt(special="phone", keys=frozenset({PHONE_KEY}))
        if text.startswith("$"):
            if text[1:] not in CONTEXT_MARKS:
                raise PatternError(
                    f"«{text}» names no context value (one of: "
                    + ", ".join(f"${k}" for k in sorted(CONTEXT_MARKS))
                    + ")"
                )
            # filed under "$key": the grader adds that key to the tokens of a mention
            return Alt(special="context", keys=frozenset({text}))
        if text == "^":
            return Alt(special="name", keys=frozenset({NAME_KEY}))
        if len(text) > 2 and text.startswith("/") and text.endswith("/"):
            try:
                pattern = text[1:-1].lower().replace("ё", "е")
                return Alt(regex=re.compile(pattern), keys=frozenset({REGEX_KEY + pattern}))
            except re.error as exc:
                raise PatternError(f"bad regular expression {text}: {exc}") from exc
        if text.startswith("="):
            form = text[1:].lower().replace("ё", "е")
            if not form:
                raise PatternError("«=» must be followed by a word form")
            return Alt(keys=frozenset({form}), exact=True)
        word, _, grams = text.partition(":")
        word = word.lower().replace("ё", "е")
        if not word or not re.fullmatch(r"[^\W\d_]+(?:[-.][^\W\d_]+)*|\d+", word):
            raise PatternError(f"«{text}» is not a word")
        keys = {word} if word[0].isdigit() else {word, self._lexicon.lemma(word)}
        grams_any, grams_none = self._grams(grams)
        return Alt(keys=frozenset(keys), grams_any=grams_any, grams_none=grams_none)

    @staticmethod
    def _grams(text: str) -> tuple[frozenset[frozenset[str]], frozenset[str]]:
        """«1per+futr,INFN,-impr» → any of {1per, futr} together or {INFN}; none of {impr}."""
        if not re.fullmatch(r"[-+,\w]*", text):
            raise PatternError(
                f"«:{text}» is not a list of grammemes (write «word:1per,INFN» after the last "
                "alternative; it applies to all of them)"
            )
        wanted: set[frozenset[str]] = set()
        unwanted: set[str] = set()
        for item in filter(None, (g.strip() for g in text.split(","))):
            if item.startswith("-"):
                unwanted.add(item[1:])
            else:
                wanted.add(frozenset(filter(None, item.split("+"))))
        return frozenset(wanted), frozenset(unwanted)

    def _element(self, text: str) -> Element:
        if text in ("...", "…"):
            return Element(gap=3)
        if text in (",", "—"):
            return Element(boundary=text)
        gap = _GAP.match(text)
        if gap:
            return Element(gap=max(1, int(gap.group(1))))
        optional = text.startswith("[") and text.endswith("]")
        if optional:
            text = text[1:-1]
        if not text:
            raise PatternError("empty element")
        if len(text) > 2 and text.startswith("/") and text.endswith("/"):
            alts: tuple[Alt, ...] = (self._alt(text),)
        else:
            # «a|b|c:1per» — the grammemes after the last «:» apply to every alternative
            words, colon, grams = text.partition(":")
            suffix = f":{grams}" if colon else ""
            alts = _merge(tuple(self._alt(part + suffix) for part in self.expand(words)))
        negation = any(alt.keys & NEGATIONS for alt in alts)
        plain = [a for a in alts if _plain(a)]
        return Element(
            alts=alts,
            optional=optional,
            negation=negation,
            lemma_keys=frozenset().union(*(a.keys for a in plain)),
            lemmas_only=len(plain) == len(alts),
        )

    def compile(
        self,
        source: str,
        *,
        question: bool = False,
        statement: bool = False,
        whole: bool = False,
        whole_clause: bool = False,
        alone: bool = False,
        negation_allowed: bool = False,
        requires: tuple[str, ...] = (),
        label: str | None = None,
        when: str | None = None,
        needs: tuple[Phrase, ...] = (),
        at_least: int = 1,
    ) -> Phrase:
        parts = source.replace("…", " … ").split()
        if not parts:
            raise PatternError("empty phrase")
        elements = tuple(self._element(part) for part in parts)
        if all(e.gap or e.optional or e.boundary for e in elements):
            raise PatternError(f"«{source}» has no required word")
        required = tuple(
            keys
            for e in elements
            if not e.gap and not e.optional and not e.boundary and (keys := e.keys) is not None
        )
        first = elements[0]
        if first.boundary and len(elements) > 1:  # zero-width: the next word starts a match
            first = elements[1]
        start_keys = None if first.optional or first.gap or first.boundary else first.keys
        return Phrase(
            source=source,
            elements=elements,
            question=question,
            statement=statement,
            whole=whole,
            whole_clause=whole_clause,
            alone=alone,
            negation_allowed=negation_allowed,
            requires=requires,
            label=label,
            when=when,
            required_keys=required,
            needs=needs,
            at_least=at_least,
            start_keys=start_keys,
        )

    def literal(self, text: str, *, label: str | None = None) -> Phrase | None:
        """A phrase made of a context value (a company or a person's name), every word required."""
        words = re.findall(
            r"[^\W\d_]+(?:-[^\W\d_]+)*(?:\.(?:ру|рф|ru|kz|com|net|org|су|уз)\b)?|\d+",
            text.lower().replace("ё", "е"),
        )
        if not words:
            return None
        return self.compile(" ".join(words), negation_allowed=True, label=label)


def _match_from(
    elements: tuple[Element, ...],
    k: int,
    tokens: list[Token],
    i: int,
    limit: int,
    fuzzy_ok: bool,
    negation_allowed: bool,
    ends: Callable[[int], bool] | None = None,
) -> int | None:
    """The end of a match of `elements[k:]` from token `i` (the first one found, trying shorter
    gaps first), or None; `ends` (if given) says where a match may end, so a phrase that must
    fill its clause or sentence tries the longer gaps when a shorter match ends too early."""
    count = len(elements)
    while True:  # required words and boundaries in a row need no backtracking: a loop
        if k == count:
            return i if ends is None or ends(i) else None
        element = elements[k]
        if element.gap:
            for g in range(element.gap + 1):
                if g and (i + g > limit):
                    break
                if g and not negation_allowed and tokens[i + g - 1].form in NEGATIONS:
                    break
                end = _match_from(
                    elements, k + 1, tokens, i + g, limit, fuzzy_ok, negation_allowed, ends
                )
                if end is not None:
                    return end
            return None
        if element.boundary:
            if i >= limit or not (
                tokens[i].after_dash if element.boundary == "—" else tokens[i].clause_start
            ):
                return None
            k += 1
            continue
        if element.optional:
            if i < limit and _element_matches(element, tokens[i], fuzzy_ok):
                end = _match_from(
                    elements, k + 1, tokens, i + 1, limit, fuzzy_ok, negation_allowed, ends
                )
                if end is not None:
                    return end
            k += 1
            continue
        if i < limit and _element_matches(element, tokens[i], fuzzy_ok):
            k += 1
            i += 1
            continue
        return None


def _filler_tail(tokens: list[Token], limit: int) -> Callable[[int], bool]:
    """Where a whole-sentence phrase may end: only fillers after it, to the sentence's end."""
    return lambda end: all(tokens[j].form in _FILLERS for j in range(end, limit))


def _clause_end(tokens: list[Token], limit: int) -> Callable[[int], bool]:
    """Where a whole-clause phrase may end: at the end of its clause (or sentence)."""
    return lambda end: end >= limit or tokens[end].clause_start


def _negated(tokens: list[Token], start: int, sentence_start: int) -> bool:
    """A negation in the two words before `start`, within the same clause."""
    i = start
    for _ in range(2):
        if i <= sentence_start or tokens[i].clause_start:
            return False
        i -= 1
        if tokens[i].form in NEGATIONS:
            return True
    return False


def _starts(
    phrase: Phrase,
    doc: Analysed,
    positions: Mapping[str, list[int]] | None,
    bag: frozenset[str],
) -> list[int]:
    """Token indices where a match may start: where the first word can stand, or everywhere."""
    keys = phrase.start_keys
    if positions is None or keys is None:
        return list(range(len(doc.tokens)))
    found: set[int] = set()
    for key in keys.intersection(bag):  # `bag` holds every key of `positions`
        at = positions.get(key)
        if at:
            found.update(at)
    return sorted(found)


def find(
    phrase: Phrase,
    doc: Analysed,
    bag: frozenset[str],
    fuzzy_ok: bool = True,
    positions: Mapping[str, list[int]] | None = None,
    checked: bool = False,
) -> list[Match]:
    """Every non-overlapping match of `phrase` in the reply (reads nothing else, writes nothing).

    `bag` holds every key of the reply (forms, lemmas, typo corrections); `positions` maps a key
    to the token indices that carry it, so only plausible starting points are tried; `checked`:
    the caller knows every required word of the phrase is in the bag.
    """
    if not checked:
        for keys in phrase.required_keys:
            if keys.isdisjoint(bag):
                return []
    tokens = doc.tokens
    sentences = doc.sentences
    if phrase.question and not any(s.question for s in sentences):
        return []
    if phrase.alone and len(sentences) != 1:
        return []
    start_keys = phrase.start_keys
    starts: Sequence[int]
    if positions is None or start_keys is None:
        starts = range(len(tokens))
    else:  # `_starts`, quicker for the usual one start word
        hits = start_keys.intersection(bag)  # `bag` holds every key of `positions`
        if len(hits) == 1:
            at = positions.get(next(iter(hits)))
            if not at:
                return []
            starts = at if len(at) == 1 else sorted(set(at))
        else:
            starts = _starts(phrase, doc, positions, bag)
    out: list[Match] = []
    taken = -1
    elements, negation_allowed = phrase.elements, phrase.negation_allowed
    if not (phrase.question or phrase.statement or phrase.whole or phrase.whole_clause):
        for i in starts:  # the loop below without the tests that cannot apply
            if i < taken:
                continue
            index = tokens[i].sentence
            sentence = sentences[index]
            end = _match_from(elements, 0, tokens, i, sentence.end, fuzzy_ok, negation_allowed)
            if end is None or end == i:
                continue
            if not negation_allowed and _negated(tokens, i, sentence.start):
                continue
            out.append(Match(phrase, i, end, index))
            taken = end
        return out
    for i in starts:
        if i < taken:
            continue
        index = tokens[i].sentence
        sentence = sentences[index]
        if (phrase.question and not sentence.question) or (phrase.statement and sentence.question):
            continue
        if phrase.whole and any(tokens[j].form not in _FILLERS for j in range(sentence.start, i)):
            continue
        if phrase.whole_clause and not tokens[i].clause_start:
            continue
        ends: Callable[[int], bool] | None = None
        if phrase.whole:
            ends = _filler_tail(tokens, sentence.end)
        elif phrase.whole_clause:
            ends = _clause_end(tokens, sentence.end)
        end = _match_from(
            phrase.elements, 0, tokens, i, sentence.end, fuzzy_ok, phrase.negation_allowed, ends
        )
        if end is None or end == i:
            continue
        if not phrase.negation_allowed and _negated(tokens, i, sentence.start):
            continue
        if phrase.whole and any(
            tokens[j].form not in _FILLERS
            for j in (*range(sentence.start, i), *range(end, sentence.end))
        ):
            continue
        if phrase.whole_clause and not (
            tokens[i].clause_start and (end >= sentence.end or tokens[end].clause_start)
        ):
            continue
        out.append(Match(phrase, i, end, index))
        taken = end
    return out
