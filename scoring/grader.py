"""The grader: a reply and a context in, one verdict with evidence per check out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, TypeVar

from pydantic import BaseModel
from rapidfuzz import process
from rapidfuzz.distance import OSA

from scoring.errors import PatternError, UnknownCheckError
from scoring.model import Context, Evidence, GradeResult, Verdict
from scoring.patterns import REGEX_KEY, Match, PatternCompiler, Phrase, class_keys, find
from scoring.standard import CompiledCheck, Standard, default_standard
from scoring.text import Analysed, Lexicon, Token, WordInfo, default_lexicon

FORBIDDEN_CHECK = "forbidden_phrase"
_MIN_FUZZY_LEN = 5
_MIN_FIX_LEN = 4


# Words in most replies: a phrase is better filed under one of its rarer required words.
_COMMON = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "вы я мы он она они не ни это этот в во на с со к ко у о об по за из от до и а но или что "
        "как так же бы ли ну да нет вот там тут уже еще все весь быть мочь "
        "вас вам вами ваш мне меня нас нам его ее их ему ей им есть если когда можно сейчас "
        "пожалуйста спасибо"
    ).split()
)


def _commonness(keys: frozenset[str]) -> tuple[int, int]:
    """Sort key for choosing the required word a phrase is filed under: rare words first."""
    common = sum(1 for k in keys if k in _COMMON or k.startswith("@"))
    return (common, len(keys))


def _merge_infos(infos: list[WordInfo]) -> WordInfo | None:
    """One reading that carries every reading of `infos` (the corrections of one typo)."""
    if not infos:
        return None
    grams: dict[str, frozenset[str]] = {}
    for info in infos:
        for lemma, g in info.grams.items():
            grams[lemma] = grams.get(lemma, frozenset()) | g
    tags = frozenset().union(*(i.tags for i in infos))
    return WordInfo(
        lemmas=frozenset(grams),
        grams=grams,
        known=False,
        tags=tags,
        gram_keys=frozenset(f"@{t}" for t in tags),
        first_grams=frozenset().union(*(i.first_grams for i in infos)),
    )


def _every_phrase(check: CompiledCheck) -> Iterator[Phrase]:
    """Every phrase of a check: its phrases, `unless` and `needs`, and the `needs` of phrases."""
    for phrase in (*check.phrases, *(p for p, _ in check.unless), *check.needs):
        yield phrase
        yield from phrase.needs


def _clauses(doc: Analysed) -> list[int]:
    """The clause number of every token (a clause starts after a comma, dash, colon, bracket or
    quote, and at every sentence's start)."""
    out, number = [], -1
    for token in doc.tokens:
        if token.clause_start or token.sentence_start:
            number += 1
        out.append(number)
    return out


def _minutes(value: str | None) -> int | None:
    if not value:
        return None
    try:
        hours, minutes = value.strip().split(":")[:2]
        total = int(hours) * 60 + int(minutes)
    except ValueError:
        return None
    return total if 0 <= total <= 24 * 60 else None


#: What the index keeps of one token (`Grader._token_keys`).
_TokenKeys = tuple[
    tuple[str, ...],
    tuple[str, ...],
    frozenset[int],
    frozenset[int],
    bool,
    WordInfo | None,
    frozenset[str],
]
_Model = TypeVar("_Model", bound=BaseModel)
_setattr = object.__setattr__


def _construct(cls: type[_Model], values: dict[str, Any]) -> _Model:
    """`cls.model_construct(**values)`, quicker, for the result models here: every field given,
    in declaration order, none with an alias, no extras, no post-init (tests/scoring/
    test_construct.py checks that the two build the same object)."""
    model = cls.__new__(cls)
    _setattr(model, "__dict__", values)
    _setattr(model, "__pydantic_fields_set__", set(values))
    _setattr(model, "__pydantic_extra__", None)
    _setattr(model, "__pydantic_private__", None)
    return model


class _Reply:
    """One reply being graded: the analysed text, its bag of keys, memoised verdicts."""

    def __init__(self, doc: Analysed, positions: dict[str, list[int]], context: Context) -> None:
        self.doc = doc
        self.positions = positions
        self.bag = frozenset(positions)
        # the phrases (and `unless` phrases with their scope) that may match, by check
        self.phrases: dict[str, list[Phrase]] = {}
        self.unless: dict[str, list[tuple[Phrase, str]]] = {}
        self.context = context
        self.verdicts: dict[str, Verdict] = {}
        self.in_progress: set[str] = set()


class Grader:
    """Grades replies against a standard. Pure and deterministic; reads and writes nothing else."""

    def __init__(self, standard: Standard | None = None, lexicon: Lexicon | None = None) -> None:
        self.standard = standard or default_standard()
        self._lexicon = lexicon or default_lexicon()
        self._compiler = PatternCompiler(self._lexicon, self.standard.words)
        self._context_phrases: dict[tuple[str, str, str], tuple[Phrase, ...]] = {}
        self._extra: dict[str, Phrase | None] = {}
        self._literals: dict[str, Phrase | None] = {}
        self._fuzzy: dict[str, frozenset[str]] = {}
        vocab: set[str] = set()
        self._marked: set[str] = set()  # context keys some phrase refers to as `$key`
        self._regexes: dict[str, re.Pattern[str]] = {}  # index key -> regex of a `/re/` element
        self._form_regexes: dict[str, frozenset[str]] = {}
        self._people: dict[str, bool] = {}
        for check in self.standard.compiled.values():
            for phrase in _every_phrase(check):
                for element in phrase.elements:
                    for alt in element.alts:
                        if alt.special == "context":
                            self._marked.update(k[1:] for k in alt.keys)
                        elif alt.regex is not None:
                            self._regexes[REGEX_KEY + alt.regex.pattern] = alt.regex
                        elif alt.special is None:
                            vocab.update(k for k in alt.keys if len(k) >= _MIN_FUZZY_LEN)
        self._vocab = sorted(vocab)
        # the grammeme keys («@VERB») some phrase of the standard is filed or matched under
        self._named_grams = frozenset(
            k
            for check in self.standard.compiled.values()
            for phrase in _every_phrase(check)
            for element in phrase.elements
            for alt in element.alts
            for k in alt.keys
            if k.startswith("@")
        )
        self._keys = frozenset(  # every word a phrase names, for typo corrections
            k
            for check in self.standard.compiled.values()
            for phrase in _every_phrase(check)
            for element in phrase.elements
            for alt in element.alts
            if alt.special is None and alt.regex is None
            for k in alt.keys
        )
        self._fixes: dict[str, tuple[WordInfo | None, frozenset[str]]] = {}
        self._company_cache: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._bounds: dict[str, dict[str | None, tuple[int | None, int | None]]] = {}
        self._contexts: dict[tuple[tuple[object, str], ...], Context] = {}
        # (form, capitalised, sentence start, phone) -> what `_token_keys` says of such a token
        self._token_cache: dict[tuple[str, bool, bool, bool], _TokenKeys] = {}
        # a check that does not match has the same verdict every time: build it once
        self._missed = {
            check_id: Verdict(check=check_id, kind=spec.kind, value=False)
            for check_id, spec in self.standard.checks.items()
        }
        # Which phrases can possibly match, given one key of the reply: each phrase (numbered in
        # standard order, so results never depend on memory layout) is filed under the keys of
        # one of its required words; phrases with no keyed word are always tried.
        self._entries: list[tuple[str, Phrase, str | None]] = []  # (check, phrase, unless scope)
        for check_id, check in self.standard.compiled.items():
            self._entries += [(check_id, p, None) for p in check.phrases]
            self._entries += [(check_id, p, scope) for p, scope in check.unless]
        self._trigger: dict[str, list[int]] = {}
        self._always: list[int] = []
        # the required words still to look for once a phrase's filing word is in the reply
        self._rest: list[tuple[frozenset[str], ...]] = []
        for number, (_, phrase, _) in enumerate(self._entries):
            if not phrase.required_keys:
                self._always.append(number)
                self._rest.append(())
                continue
            filing = min(phrase.required_keys, key=_commonness)
            self._rest.append(tuple(k for k in phrase.required_keys if k is not filing))
            for key in filing:
                self._trigger.setdefault(key, []).append(number)
        # The other required words of the entries as numbered sets: the words of a reply say
        # which sets it meets, and an entry is tried when the reply meets every one of its own.
        word_sets: dict[frozenset[str], int] = {}
        for rest in self._rest:
            for keys in rest:
                word_sets.setdefault(keys, len(word_sets))
        sets_of: dict[str, list[int]] = {}
        for keys, set_number in word_sets.items():
            for key in keys:
                sets_of.setdefault(key, []).append(set_number)
        self._sets_of = {key: tuple(numbers) for key, numbers in sets_of.items()}
        # per entry: (check, phrase, scope, an `unless` phrase?, the sets of words it needs)
        self._filed = [
            (
                check_id,
                phrase,
                scope or "span",
                scope is not None,
                frozenset(word_sets[keys] for keys in self._rest[number]),
            )
            for number, (check_id, phrase, scope) in enumerate(self._entries)
        ]
        # the checks that read no context: when none of their phrases is filed for a reply, the
        # verdict is the prebuilt false one
        self._plain = frozenset(
            check_id
            for check_id, check in self.standard.compiled.items()
            if check.spec.context is None
        )

    # --- public -------------------------------------------------------------------------

    def grade(
        self,
        text: object,
        checks: Iterable[str] | None = None,
        context: Context | Mapping[str, object] | None = None,
        extra_forbidden: Sequence[str] = (),
    ) -> GradeResult:
        """Grade `text` on `checks` (None: every check of the standard).

        Raises `UnknownCheckError` for a check id the standard does not define; never raises on
        the content of `text` (empty, huge, emoji, control characters, other scripts).
        """
        wanted = list(self.standard.checks) if checks is None else list(dict.fromkeys(checks))
        for check in wanted:
            if check not in self.standard.compiled:
                raise UnknownCheckError(check)
        doc = self._lexicon.analyse(text)
        ctx = self._context(context)
        extra = tuple(p for p in (self._extra_phrase(s) for s in extra_forbidden) if p)
        numbers = set(self._always)
        met: set[int] = set()
        positions = self._index(doc, numbers, met, every=bool(extra))
        indexed = len(positions)
        self._context_typos(doc, positions, ctx)
        self._mark_context(doc, positions, ctx)
        reply = _Reply(doc, positions, ctx)
        trigger, sets_of = self._trigger, self._sets_of
        for key in islice(positions, indexed, None):  # keys the context added (dicts keep order)
            numbers.update(trigger.get(key, ()))
            met.update(sets_of.get(key, ()))
        filed, unless = reply.phrases, reply.unless
        entries = self._filed
        for number in sorted(numbers):
            check_id, phrase, scope, is_unless, needed = entries[number]
            if needed <= met:  # every other required word is in the reply too
                if is_unless:
                    blocking = unless.get(check_id)
                    if blocking is None:
                        unless[check_id] = [(phrase, scope)]
                    else:
                        blocking.append((phrase, scope))
                else:
                    own = filed.get(check_id)
                    if own is None:
                        filed[check_id] = [phrase]
                    else:
                        own.append(phrase)
        self._reserve_names(reply)
        verdicts: dict[str, Verdict] = {}
        memo, missed, plain = reply.verdicts, self._missed, self._plain
        for check in wanted:
            if extra and check == FORBIDDEN_CHECK:
                verdicts[check] = self._verdict(check, reply, extra)
                continue
            verdict = memo.get(check)
            if verdict is None:
                if check in plain and check not in filed:
                    verdict = memo[check] = missed[check]  # no phrase of it can match the reply
                else:
                    verdict = self._verdict(check, reply, ())
            verdicts[check] = verdict
        return _construct(
            GradeResult, {"text": doc.text, "verdicts": verdicts, "too_long": doc.too_long}
        )

    # --- internals ----------------------------------------------------------------------

    def _context(self, value: Context | Mapping[str, object] | None) -> Context:
        """`Context.coerce`, remembered for a plain mapping of strings (the same few contexts
        come with every reply of a run); a Context is frozen, so one can serve every reply."""
        if isinstance(value, dict) and all(type(v) is str for v in value.values()):
            key = tuple(value.items())
            found = self._contexts.get(key)
            if found is None:
                found = Context.coerce(value)
                if len(self._contexts) < 1_000:
                    self._contexts[key] = found
            return found
        return Context.coerce(value)

    def _index(
        self, doc: Analysed, numbers: set[int], met: set[int], every: bool
    ) -> dict[str, list[int]]:
        """Every key of the reply (forms, lemmas, typo corrections) → the tokens that carry it;
        adds to `numbers` the entries filed under those keys, to `met` the numbered word sets
        they meet. Grammeme keys no phrase of the standard names are left out unless `every` (a
        phrase from outside may name them)."""
        positions: dict[str, list[int]] = {}
        cache = self._token_cache
        for i, token in enumerate(doc.tokens):
            signature = (token.form, token.capitalised, token.sentence_start, token.phone)
            found = cache.get(signature)
            if found is None:
                found = self._token_keys(token)
                if len(cache) < 200_000:
                    cache[signature] = found
            keys, unnamed, triggered, sets, typo, fixed, fuzzy = found
            if typo:
                token.fixed, token.fuzzy = fixed, fuzzy
            numbers |= triggered
            met |= sets
            for key in keys:
                at = positions.get(key)
                if at is None:
                    positions[key] = [i]
                else:
                    at.append(i)
            if every:
                for key in unnamed:
                    positions.setdefault(key, []).append(i)
        return positions

    def _token_keys(self, token: Token) -> _TokenKeys:
        """The index keys of one token (the grammeme keys no phrase of the standard names apart),
        the entries filed under them, and its typo readings (whether it is read as a typo,
        `fixed`, `fuzzy`): the same for every token with the same form, capitalisation, place at
        a sentence's start and phone shape."""
        keys: set[str] = {token.form, *class_keys(token), *self._regex_keys(token.form)}
        info = token.info
        typo = False
        fixed: WordInfo | None = None
        fuzzy: frozenset[str] = frozenset()
        if info is not None:
            keys.update(info.lemmas)
            keys.update(info.gram_keys)
            # a typo: a word pymorphy3 does not know, or a lower-case one it knows only as a
            # proper name («всего доброва»)
            typo = not info.known or (info.proper and not token.capitalised)
            if typo and len(token.form) >= _MIN_FIX_LEN:
                fixed, fixed_forms = self._fix(token.form)
                if fixed is not None:
                    keys.update(fixed.lemmas)
                    keys.update(fixed.gram_keys)
                if fixed is None and len(token.form) >= _MIN_FUZZY_LEN:
                    # no known word one typo away: the nearest standard words, looser
                    fuzzy = self._near(token.form, info.lemmas)
                else:  # «перзвоню» is «перезвоню», never the forbidden «перезвони»
                    fuzzy = fixed_forms
                keys.update(fuzzy)
            else:
                typo = False
        triggered: set[int] = set()
        sets: set[int] = set()
        for key in keys:
            triggered.update(self._trigger.get(key, ()))
            sets.update(self._sets_of.get(key, ()))
        grams = info.gram_keys if info is not None else frozenset()
        if fixed is not None:
            grams = grams | fixed.gram_keys
        unnamed = grams - self._named_grams
        return (
            tuple(keys - unnamed),
            tuple(unnamed),
            frozenset(triggered),
            frozenset(sets),
            typo,
            fixed,
            fuzzy,
        )

    def _regex_keys(self, form: str) -> frozenset[str]:
        """The `/re/` elements of the standard that match this word form (cached per form)."""
        found = self._form_regexes.get(form)
        if found is None:
            found = frozenset(k for k, rx in self._regexes.items() if rx.fullmatch(form))
            if len(self._form_regexes) < 100_000:
                self._form_regexes[form] = found
        return found

    def _reserve_names(self, reply: _Reply) -> None:
        """Mark the words of the company's and the client's names (they never name the speaker)."""
        ctx = reply.context
        sources = [*self.standard.companies]
        if ctx.company:
            sources += [ctx.company, *self.standard.companies.get(ctx.company, [])]
        if ctx.client_name:
            sources += ctx.client_name.split()
        for source in sources:
            phrase = self._literal(source)
            if phrase is None:
                continue
            for match in find(phrase, reply.doc, reply.bag, True, reply.positions):
                for token in reply.doc.tokens[match.start : match.end]:
                    token.reserved = True

    def _context_typos(self, doc: Analysed, positions: dict[str, list[int]], ctx: Context) -> None:
        """A typo inside the company's name («Почта Рассии», «Казпчта») still names it: an unknown
        word near a word of the name (or of an alias) reads as that word too."""
        if not ctx.company:
            return
        words = self._company_words(ctx.company)
        said = {word for word, keys in words if not keys.isdisjoint(positions)}
        for i, token in enumerate(doc.tokens):
            info = token.info
            if info is None or info.known or len(token.form) < _MIN_FIX_LEN:
                continue
            near: set[str] = set()
            for candidate in {token.form, *info.lemmas}:
                for word, keys in words:
                    # looser beside another word of the name: «Почта Расии»
                    limit = 1 if len(word) < 8 and not (said - {word}) else 2
                    if abs(len(word) - len(candidate)) <= limit and (
                        OSA.distance(candidate, word, score_cutoff=limit) <= limit
                    ):
                        near |= keys
            if near:
                token.fuzzy = token.fuzzy | near
                for key in near:
                    positions.setdefault(key, []).append(i)

    def _company_words(self, company: str) -> list[tuple[str, frozenset[str]]]:
        cached = self._company_cache.get(company)
        if cached is None:
            cached = []
            for source in (company, *self.standard.companies.get(company, [])):
                phrase = self._literal(source)
                for element in phrase.elements if phrase else ():
                    for alt in element.alts:
                        cached += [(k, alt.keys) for k in alt.keys if len(k) >= _MIN_FIX_LEN]
            if len(self._company_cache) < 1_000:
                self._company_cache[company] = cached
        return cached

    def _mentions(self, key: str, ctx: Context) -> list[Phrase]:
        """Phrases that find a mention of the context value `key` (a `$key` token class)."""
        value = getattr(ctx, key, None)
        if not value:
            return []
        if key == "company":
            sources = [value, *self.standard.companies.get(value, [])]
        elif key == "third_party":  # a person by any word of the name; a fact as a whole
            sources = []
            for item in value:
                sources += item.split() if self._is_person(item) else [item]
        else:
            sources = value.split()
        return [p for source in sources if (p := self._literal(source)) is not None]

    def _mark_context(self, doc: Analysed, positions: dict[str, list[int]], ctx: Context) -> None:
        """Mark the tokens of every mention of a context value that phrases refer to as `$key`."""
        for key in self._marked:
            mark = f"${key}"
            bag = frozenset(positions)
            for phrase in self._mentions(key, ctx):
                for match in find(phrase, doc, bag, False, positions):
                    for i in range(match.start, match.end):
                        token = doc.tokens[i]
                        if mark not in token.marks:
                            token.marks = token.marks | {mark}
                            positions.setdefault(mark, []).append(i)

    def _is_person(self, value: str) -> bool:
        """A third party given as a person («Сериков Бахыт», «соседка»), not a fact
        («ул. Абая, 15», a phone): no digits, and every word a name, an animate noun or unknown."""
        cached = self._people.get(value)
        if cached is not None:
            return cached
        words = [t for t in self._lexicon.analyse(value).tokens]
        person = bool(words) and all(
            t.info is not None
            and (
                not t.info.known
                or not {"Name", "Surn", "Patr"}.isdisjoint(t.info.tags)
                or {"NOUN", "anim"} <= t.info.first_grams
            )
            for t in words
        )
        if len(self._people) < 10_000:
            self._people[value] = person
        return person

    def _fact(self, value: str) -> Phrase | None:
        """A third-party fact said as a statement: its words in order, its numbers as any number
        (the same street with another house number is still an address), or exactly the number
        when the fact is only a number (a phone)."""
        tokens = self._lexicon.analyse(value).tokens
        words = [t.form for t in tokens if t.info is not None]
        if words:
            long = [t for t in tokens if t.info is None or len(t.form) >= 3] or tokens
            source = " ".join("#" if t.info is None else t.form for t in long)
        else:
            source = " ".join(f"={t.form}" for t in tokens)
        if not source:
            return None
        try:
            return self._compiler.compile(source, statement=True, negation_allowed=True)
        except PatternError:
            return None

    def _literal(self, source: str) -> Phrase | None:
        if source not in self._literals:
            self._literals[source] = self._compiler.literal(source)
        return self._literals[source]

    def _fix(self, form: str) -> tuple[WordInfo | None, frozenset[str]]:
        """What the known words one typo away from `form` say, if a phrase names any of them
        («перезвню» → «перезвоню», «слдеует» → «следует»), and their forms (for `=form`)."""
        cached = self._fixes.get(form)
        if cached is not None:
            return cached
        infos = []
        forms: set[str] = set()
        for word in self._lexicon.corrections(form):
            info = self._lexicon.info(word)
            if word in self._keys or not info.lemmas.isdisjoint(self._keys):
                infos.append(info)
                forms.add(word)
        result = (_merge_infos(infos), frozenset(forms & self._keys))
        if len(self._fixes) < 100_000:
            self._fixes[form] = result
        return result

    def _near(self, form: str, lemmas: frozenset[str]) -> frozenset[str]:
        """Standard words within a small edit distance of an unknown word (a typo)."""
        cached = self._fuzzy.get(form)
        if cached is not None:
            return cached
        found: set[str] = set()
        for candidate in {form, *lemmas}:
            limit = 1 if len(candidate) < 8 else 2
            near = process.extract(
                candidate, self._vocab, scorer=OSA.distance, score_cutoff=limit, limit=None
            )
            if near:  # every word at the smallest distance: «извенения» is «извинения» or
                best = min(score for _, score, _ in near)  # «извещения», not whichever sorts first
                found.update(word for word, score, _ in near if score == best)
        result = frozenset(found)
        if len(self._fuzzy) < 100_000:
            self._fuzzy[form] = result
        return result

    def _extra_phrase(self, source: str) -> Phrase | None:
        if source not in self._extra:
            try:
                self._extra[source] = self._compiler.compile(source)
            except PatternError:
                self._extra[source] = self._compiler.literal(source)
        return self._extra[source]

    def _context_value(self, check: CompiledCheck, context: Context) -> str | None:
        key = check.spec.context
        value = getattr(context, key) if key else None
        if isinstance(value, list):  # third_party: the facts among the values, as one key
            facts = [v for v in value if not self._is_person(v)]
            return "\n".join(facts) or None
        return value

    def _phrases_for_context(self, check: CompiledCheck, value: str) -> tuple[Phrase, ...]:
        key = (check.spec.id, check.spec.context_match, value)
        cached = self._context_phrases.get(key)
        if cached is not None:
            return cached
        if check.spec.context == "third_party":
            facts = tuple(p for fact in value.split("\n") if (p := self._fact(fact)) is not None)
            self._context_phrases[key] = facts
            return facts
        sources = [value]
        if check.spec.context == "company":
            sources += self.standard.companies.get(value, [])
        phrases: list[Phrase] = []
        for source in sources:
            if check.spec.context_match == "any_word":
                for word in source.split():
                    if len(word.strip(".,")) >= 2 and (p := self._compiler.literal(word)):
                        phrases.append(p)
            elif p := self._compiler.literal(source):
                phrases.append(p)
        result = tuple(phrases)
        self._context_phrases[key] = result
        return result

    def _value(self, check: str, reply: _Reply) -> bool:
        """The verdict of another check (for phrases that `require` one); memoised."""
        verdict = reply.verdicts.get(check)
        if verdict is not None:
            return verdict.value
        if check in reply.in_progress or check not in self.standard.compiled:
            return False
        return self._verdict(check, reply, ()).value

    def _verdict(self, check_id: str, reply: _Reply, extra: tuple[Phrase, ...]) -> Verdict:
        if not extra and check_id in reply.verdicts:
            return reply.verdicts[check_id]
        check = self.standard.compiled[check_id]
        spec = check.spec
        if not extra and spec.context is None and check_id not in reply.phrases:
            verdict = self._missed[check_id]  # no phrase of this check can match the reply
            reply.verdicts[check_id] = verdict
            return verdict
        reply.in_progress.add(check_id)
        try:
            matches = self._matches(check, reply, extra)
        finally:
            reply.in_progress.discard(check_id)
        value = bool(matches)
        if spec.periods:
            value, matches = self._time_of_day(check, reply, matches)
        if not value:
            verdict = self._missed[check_id]
            if not extra:
                reply.verdicts[check_id] = verdict
            return verdict
        spans = self._evidence(reply, matches, every=spec.kind == "violation")
        verdict = _construct(
            Verdict,
            {
                "check": check_id,
                "kind": spec.kind,
                "value": value,
                "evidence": spans[0] if spans else None,
                "also": tuple(spans[1:]),
            },
        )
        if not extra:
            reply.verdicts[check_id] = verdict
        return verdict

    @staticmethod
    def _other_person(match: Match, doc: Analysed, name: tuple[Phrase, ...]) -> bool:
        """Another person who shares a word of the client's name: «Елена Владимировна» when the
        client is «Елена Васильевна» (the right first name, someone else's patronymic), «Павел
        Ильич» when the client is «Пётр Ильич» (someone else's first name before the right
        patronymic)."""
        tokens = doc.tokens
        first = tokens[match.start]
        keys = {k for p in name for e in p.elements for a in e.alts for k in a.keys}
        if match.end < len(tokens):
            after = tokens[match.end]
            if (
                after.sentence == first.sentence
                and after.info is not None
                and "Patr" in after.info.tags
                and not after.clause_start
                and after.info.lemmas.isdisjoint(keys)
            ):
                return True
        if match.start == 0 or first.clause_start or first.info is None:
            return False
        before = tokens[match.start - 1]
        return (
            before.sentence == first.sentence
            and "Patr" in first.info.tags
            and before.info is not None
            and before.info.name_first
            and "Name" in before.info.first_grams
            and before.info.lemmas.isdisjoint(keys)
        )

    @staticmethod
    def _evidence(reply: _Reply, matches: list[Match], every: bool) -> list[Evidence]:
        """The quoted spans of the matches: the first one, or (`every`) each non-overlapping one."""
        if not matches:
            return []
        ordered = sorted(matches, key=lambda m: (m.start, -m.end))
        chosen = [ordered[0]]
        if every:
            for match in ordered[1:]:
                if match.start >= chosen[-1].end:
                    chosen.append(match)
        tokens, text = reply.doc.tokens, reply.doc.text
        out = []
        for match in chosen:
            start, end = tokens[match.start].start, tokens[match.end - 1].end
            out.append(
                _construct(
                    Evidence,
                    {
                        "quote": text[start:end],
                        "start": start,
                        "end": end,
                        "rule": match.phrase.source,
                    },
                )
            )
        return out

    def _matches(
        self, check: CompiledCheck, reply: _Reply, extra: tuple[Phrase, ...]
    ) -> list[Match]:
        spec = check.spec
        value = self._context_value(check, reply.context) if spec.context is not None else None
        if spec.context_required and not value:
            return []
        doc, bag, positions, fuzzy, context = (
            reply.doc,
            reply.bag,
            reply.positions,
            spec.fuzzy,
            reply.context,
        )
        # the reply's own phrases were filed by their words (every required word is in the reply)
        filed = reply.phrases.get(spec.id, ())
        checked = len(filed)
        phrases: Sequence[Phrase] = filed
        context_phrases: tuple[Phrase, ...] = ()
        if value and spec.context != "time":
            context_phrases = self._phrases_for_context(check, value)
        if extra or context_phrases:
            phrases = [*filed, *extra, *context_phrases]
        any_word = spec.context_match == "any_word"
        matches: list[Match] = []
        for n, phrase in enumerate(phrases):
            if phrase.when and not getattr(context, phrase.when, None):
                continue
            if phrase.requires:
                for required in phrase.requires:
                    if self._value(required, reply):
                        break
                else:
                    continue
            found = find(phrase, doc, bag, fuzzy, positions, n < checked)
            if len(found) < phrase.at_least:
                continue
            if found and phrase.needs and not any(
                find(p, doc, bag, fuzzy, positions) for p in phrase.needs
            ):
                continue
            if any_word and any(phrase is p for p in context_phrases):
                found = [m for m in found if not self._other_person(m, doc, context_phrases)]
            matches += found
        unless = reply.unless.get(spec.id)
        if matches and unless:
            matches = self._unless(matches, unless, reply, spec.fuzzy)
        if matches and check.needs and not any(
            find(p, doc, bag, spec.fuzzy, reply.positions)
            for p in check.needs
            if not p.when or getattr(reply.context, p.when, None)
        ):
            return []
        if matches and any(self._value(other, reply) for other in spec.unless_checks):
            return []
        return matches

    @staticmethod
    def _unless(
        matches: list[Match], unless: list[tuple[Phrase, str]], reply: _Reply, fuzzy: bool
    ) -> list[Match]:
        """The matches no `unless` phrase cancels (by overlap, or anywhere in the sentence)."""
        doc, bag = reply.doc, reply.bag
        kept = []
        blockers = [
            (m, scope)
            for p, scope in unless
            if not p.when or getattr(reply.context, p.when, None)
            for m in find(p, doc, bag, fuzzy, reply.positions, checked=True)
        ]
        clauses = _clauses(doc) if any(s == "clause" for _, s in blockers) else []
        for match in matches:
            if not any(
                (b.sentence == match.sentence)
                if scope == "sentence"
                else (
                    clauses[b.start] <= clauses[match.end - 1]
                    and clauses[match.start] <= clauses[b.end - 1]
                )
                if scope == "clause"
                else (b.start < match.end and match.start < b.end)
                for b, scope in blockers
            ):
                kept.append(match)
        return kept

    def _time_of_day(
        self, check: CompiledCheck, reply: _Reply, matches: list[Match]
    ) -> tuple[bool, list[Match]]:
        """Greeting fit for the time: a fitting or any-time greeting, and no wrong one."""
        now = _minutes(reply.context.time)
        if now is None:
            return bool(matches), matches
        bounds = self._bounds.get(check.spec.id)
        if bounds is None:
            bounds = {p.label: (_minutes(p.start), _minutes(p.end)) for p in check.spec.periods}
            self._bounds[check.spec.id] = bounds
        fitting, wrong = [], []
        for match in matches:
            label = match.phrase.label
            if label is None:
                fitting.append(match)
                continue
            low, high = bounds.get(label, (None, None))
            if low is not None and high is not None and low <= now <= high:
                fitting.append(match)
            else:
                wrong.append(match)
        if wrong:
            return False, wrong
        return bool(fitting), fitting
