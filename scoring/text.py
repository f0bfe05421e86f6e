"""Russian text handling: sanitise, normalise, tokenise, lemmatise (pymorphy3, cached).

Everything here keeps offsets into the original text, so a verdict can quote the trainee's own
words. Normalisation is length-preserving per character (case, «ё»→«е», Latin look-alikes,
control characters, emoji), and per token (repeated letters), so spans stay exact.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import pymorphy3

#: Replies longer than this are flagged `too_long` (Telegram's own message limit).
MAX_REPLY_CHARS = 4096
#: Only this many characters are graded; the rest of an over-long text is ignored.
GRADE_CHARS = 20_000

_SURROGATES = re.compile("[\ud800-\udfff]")
_TOKEN = re.compile(
    r"[^\W\d_]+(?:[-'’][^\W\d_]+)*(?:\.(?:ру|рф|ru|kz|com|net|org|су|уз)\b)?"
    r"|\d+(?:[.,:\-]\d+)*|[?!.…;]|[,:—–()«»\"]|(?<!\S)-(?!\S)"
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # letters only: «спасиииибо», never «1000»
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_LOOKALIKES = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")
_SENTENCE_END = frozenset(".!?…;")
_CLAUSE_MARKS = frozenset(',:—–()«»"-')
_DASHES = frozenset("—–-")

_PARTICLES = frozenset({"то", "нибудь", "либо", "таки", "ка", "де", "тка", "с"})
_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})

# «ул. Абая», «пр. Мира», «д. 12, кв. 40»: a period after these abbreviations ends no sentence
# (street words always; house, flat and phone words only before a number; «г.» not after one).
_STREET_ABBREVIATIONS = frozenset({"ул", "пр", "просп", "пер", "мкр", "пл", "наб", "ш", "б-р"})
_NUMBER_ABBREVIATIONS = frozenset({"д", "кв", "корп", "стр", "тел", "оф", "зд", "вл"})
# what may stand between the digit groups of one number: «8 701 555 12 34», «+7 (912) 404-77-18»
_NUMBER_JOINT = re.compile(r"[ \t\u00a0]*(?:[-–(][ \t\u00a0]*|\)[ \t\u00a0]*-?[ \t\u00a0]*)?")

# «ни чем», «ни когда»: «ни» written apart from a pronoun it belongs to («ничем», «никогда»)
_NI_JOINS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "чем что чего чему кто кого кому кем ком как куда где когда сколько какой какая какое "
        "какие какого какую каких каким какими какому чей чья чье чьи"
    ).split()
)

#: Words that negate what follows them.
NEGATIONS = frozenset({"не", "ни", "нет", "без"})


@dataclass(frozen=True, slots=True)
class WordInfo:
    """What pymorphy3 knows about one normalised word form."""

    lemmas: frozenset[str]
    grams: dict[str, frozenset[str]]  # lemma -> union of grammemes over the parses with that lemma
    known: bool
    tags: frozenset[str]  # union of all grammemes (Name, Surn, Patr, NUMR, ...)
    name_first: bool = False  # the most likely parse is a first name, patronymic or surname
    gram_keys: frozenset[str] = frozenset()  # "@<grammeme>" index keys, for «*:grammeme» patterns
    first_grams: frozenset[str] = frozenset()  # grammemes of the most likely parse
    proper: bool = False  # every parse is a proper name («доброва» is only a surname)


@dataclass(slots=True)
class Token:
    form: str  # normalised surface form
    start: int  # offset in the original text
    end: int
    sentence: int
    info: WordInfo | None  # None for punctuation
    capitalised: bool = False
    sentence_start: bool = False
    clause_start: bool = False  # preceded by a comma, dash, colon, bracket or quote
    after_dash: bool = False  # preceded by a dash («Дорого — не отправляйте»)
    reserved: bool = False  # part of the company's or the client's name (never a self-intro name)
    phone: bool = False  # a number in phone shape («8 701 555 12 34», «22-15-40»)
    marks: frozenset[str] = frozenset()  # "$key": part of a mention of a context value
    fuzzy: frozenset[str] = field(default_factory=frozenset)  # lemmas reached by typo tolerance
    fixed: WordInfo | None = None  # what the known words one typo away from this one say

    @property
    def is_word(self) -> bool:
        return self.info is not None

    @property
    def is_number(self) -> bool:
        return self.form[:1].isdigit() or (self.info is not None and "NUMR" in self.info.tags)


@dataclass(slots=True)
class Sentence:
    start: int  # token index
    end: int  # token index, exclusive (punctuation excluded)
    question: bool


@dataclass(slots=True)
class Analysed:
    text: str  # the sanitised original text (what offsets refer to)
    tokens: list[Token]  # word and number tokens only
    sentences: list[Sentence]
    too_long: bool


def _tsya_twin(word: str) -> str | None:
    """«отправиться» ↔ «отправится»."""
    if word.endswith("ться"):
        return word[:-4] + "тся"
    if word.endswith("тся"):
        return word[:-3] + "ться"
    return None


def _phone_shape(span: str) -> bool:
    """Digit groups shaped like a phone number: four groups or more, three joined by hyphens
    («22-15-40»), or eleven digits starting with 7 or 8; never a date, time or decimal."""
    if any(mark in span for mark in ".,:"):
        return False
    groups = re.findall(r"\d+", span)
    if len(groups) == 1:
        return len(span) == 11 and span[0] in "78"
    return len(groups) >= 4 or (len(groups) == 3 and "-" in span)


def sanitise(text: object) -> str:
    """Make any input a safe str: drop lone surrogates and control characters (never raises)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _SURROGATES.sub(" ", text)
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _normalise_chars(text: str) -> str:
    """Lower-case, «ё»→«е», every other character kept at its position (length-preserving)."""
    low = text.lower()
    if len(low) != len(text):  # e.g. «İ» lower-cases to two code points
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low.replace("ё", "е")


def normalise_word(word: str) -> str:
    """Normalise one lower-cased token: Latin look-alikes in a Cyrillic word, repeated letters."""
    if _LATIN.search(word) and _CYRILLIC.search(word):
        word = word.translate(_LOOKALIKES)
    return _REPEATS.sub(r"\1", word)


class Lexicon:
    """pymorphy3 with a per-instance cache of word analyses (one analyser per Lexicon)."""

    def __init__(self) -> None:
        self._cache: dict[str, WordInfo] = {}
        self._corrections: dict[str, tuple[str, ...]] = {}
        # raw token -> (normalised form, starts with a digit, analysis, «не» glued to a word)
        self._words: dict[str, tuple[str, bool, WordInfo | None, bool]] = {}

    @cached_property
    def _morph(self) -> pymorphy3.MorphAnalyzer:
        """The analyser, made on first use (its dictionaries take ~0.05 s to load): the Russian
        dictionaries pymorphy3 would find itself (`PYMORPHY2_DICT_PATH` when set, else the
        `pymorphy3-dicts-ru` package), named directly — pymorphy3 would look them up among every
        installed package's entry points first."""
        import pymorphy3_dicts_ru

        variable = pymorphy3.MorphAnalyzer.DICT_PATH_ENV_VARIABLE
        path = os.environ[variable] if variable in os.environ else pymorphy3_dicts_ru.get_path()
        return pymorphy3.MorphAnalyzer(path)

    def info(self, word: str) -> WordInfo:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        grams: dict[str, set[str]] = {}
        tags: set[str] = set()
        try:
            parses = self._morph.parse(word)
        except (KeyError, ValueError):  # pymorphy3 cannot name some rare letters (e.g. Tangut)
            parses = []
        known = bool(parses) and self._morph.word_is_known(word)
        # «-ться» / «-тся» are one spelling mistake apart and sound the same: read either as both
        twin = _tsya_twin(word)
        if twin and self._morph.word_is_known(twin):
            if not known:  # «свяжеться» is «свяжется»
                parses, known = self._morph.parse(twin), True
            else:
                parses = [*parses, *(p for p in self._morph.parse(twin) if p.score > 0.05)]
        name_first = bool(parses) and not {"Name", "Surn", "Patr"}.isdisjoint(
            parses[0].tag.grammemes
        )
        for parse in parses:
            lemma = parse.normal_form.replace("ё", "е")
            bucket = grams.setdefault(lemma, set())
            bucket.update(parse.tag.grammemes)
            tags.update(parse.tag.grammemes)
        grams.setdefault(word, set())  # the form itself always counts as a key
        head, _, tail = word.rpartition("-")
        if head and parses and tail not in _PARTICLES and len(tail) > 2:  # «трек-номер» → «номер»
            for parse in (*self._morph.parse(tail), *self._morph.parse(head.split("-")[0])):
                grams.setdefault(parse.normal_form.replace("ё", "е"), set()).update(
                    parse.tag.grammemes
                )
        info = WordInfo(
            lemmas=frozenset(grams),
            grams={k: frozenset(v) for k, v in grams.items()},
            known=known,
            tags=frozenset(tags),
            name_first=name_first and len(word) >= 3,
            gram_keys=frozenset(f"@{t}" for t in tags),
            first_grams=frozenset(parses[0].tag.grammemes) if parses else frozenset(),
            proper=known and all(not _PROPER.isdisjoint(p.tag.grammemes) for p in parses),
        )
        if len(self._cache) < 200_000:
            self._cache[word] = info
        return info

    def corrections(self, word: str) -> tuple[str, ...]:
        """Known words one edit away (a letter missing, extra, wrong or two swapped), and «-ого»
        for a phonetic «-ова». Cached."""
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
        edits |= {a + c + b for a, b in splits for c in _ALPHABET}
        edits.discard(word)
        for heard, written in (("ова", "ого"), ("ева", "его")):  # «доброва» is said «доброго»
            if word.endswith(heard):
                edits.add(word[: -len(heard)] + written)
        known = self._morph.word_is_known
        found = tuple(sorted(e for e in edits if len(e) > 1 and known(e)))
        if len(self._corrections) < 100_000:
            self._corrections[word] = found
        return found

    def glued_negation(self, word: str) -> bool:
        """«немогу», «незнаю»: an unknown word that is «не» written together with a known one."""
        return (
            len(word) >= 5
            and word.startswith("не")
            and not self.info(word).known
            and self._morph.word_is_known(word[2:])
        )

    def lemma(self, word: str) -> str:
        """The most likely lemma of a normalised word (used to compile patterns)."""
        try:
            return str(self._morph.parse(word)[0].normal_form).replace("ё", "е")
        except (KeyError, ValueError, IndexError):
            return word

    def analyse(self, text: object) -> Analysed:
        """Sanitise, normalise, tokenise and lemmatise a reply. Never raises on content."""
        original = sanitise(text)
        too_long = len(original) > MAX_REPLY_CHARS
        graded = original[:GRADE_CHARS]
        norm = _normalise_chars(graded)
        tokens: list[Token] = []
        sentences: list[Sentence] = []
        sentence_index = 0
        sentence_first = 0
        at_start = True
        clause = True
        dash = False
        for match in _TOKEN.finditer(norm):
            raw = match.group()
            if raw in _CLAUSE_MARKS:
                clause = True
                dash = dash or raw in _DASHES
                continue
            if raw == "." and self._abbreviation(tokens, norm, match.start()):
                continue
            if raw[0] in _SENTENCE_END:
                if len(tokens) > sentence_first:
                    sentences.append(Sentence(sentence_first, len(tokens), raw == "?"))
                    sentence_index += 1
                    sentence_first = len(tokens)
                elif raw == "?" and sentences and sentences[-1].end == len(tokens):
                    sentences[-1].question = True  # «…?!» or «…!?»
                at_start = clause = True
                dash = False
                continue
            word = self._words.get(raw)
            if word is None:
                word = self._word(raw)
            form, digit, info, glued = word
            start, end = match.span()
            if digit and self._joins_number(tokens, norm, start, sentence_first):
                last = tokens[-1]  # one number: «8 701 555 12 34» → «8-701-555-12-34»
                last.form, last.end = f"{last.form}-{form}", end
                last.phone = _phone_shape(norm[last.start : end])
                at_start = clause = dash = False
                continue
            if (
                not clause
                and form in _NI_JOINS
                and self._joins_ni(tokens, norm, form, start, sentence_first, clause)
            ):
                last = tokens[-1]  # «ни чем не могу помочь» is «ничем не могу помочь»
                last.form, last.end, last.info = "ни" + form, end, self.info("ни" + form)
                at_start = clause = dash = False
                continue
            if glued:  # «немогу» → «не» «могу»
                tokens.append(
                    Token(
                        "не",
                        start,
                        start + 2,
                        sentence_index,
                        self.info("не"),
                        graded[start].isupper(),
                        at_start,
                        clause,
                        dash,
                    )
                )
                form, start, info = form[2:], start + 2, self.info(form[2:])
                at_start = clause = dash = False
            tokens.append(
                Token(
                    form,
                    start,
                    end,
                    sentence_index,
                    info,
                    graded[start].isupper(),
                    at_start,
                    clause,
                    dash,
                    False,
                    info is None and _phone_shape(raw),
                )
            )
            at_start = clause = dash = False
        if len(tokens) > sentence_first:
            sentences.append(Sentence(sentence_first, len(tokens), False))
        return Analysed(original, tokens, sentences, too_long)

    def _word(self, raw: str) -> tuple[str, bool, WordInfo | None, bool]:
        """What `analyse` needs of one raw token, whatever its place (cached for short words)."""
        form = normalise_word(raw)
        digit = form[0].isdigit()
        info = None if digit else self.info(form)
        word = (form, digit, info, info is not None and self.glued_negation(form))
        if len(raw) <= 40 and len(self._words) < 200_000:
            self._words[raw] = word
        return word

    @staticmethod
    def _abbreviation(tokens: list[Token], norm: str, end: int) -> bool:
        """The «.» at `end` follows an address abbreviation («ул.», «д. 12»): no sentence end."""
        if not tokens or tokens[-1].end != end or tokens[-1].info is None:
            return False
        word = tokens[-1].form
        rest = norm[end + 1 : end + 4].lstrip()
        if word in _STREET_ABBREVIATIONS:
            return bool(rest)
        if word in _NUMBER_ABBREVIATIONS:
            return rest[:1].isdigit()
        if word == "г":  # «в г. Алматы», but not «в 2024 г. Она…»
            return len(tokens) > 1 and not tokens[-2].is_number and bool(rest)
        return False

    def _joins_ni(
        self, tokens: list[Token], norm: str, form: str, start: int, first: int, clause: bool
    ) -> bool:
        """`form` follows a lone «ни» with only spaces between, and «ни» + `form` is a word."""
        if clause or form not in _NI_JOINS or len(tokens) <= first or tokens[-1].form != "ни":
            return False
        return not norm[tokens[-1].end : start].strip() and self._morph.word_is_known("ни" + form)

    @staticmethod
    def _joins_number(tokens: list[Token], norm: str, start: int, sentence_first: int) -> bool:
        """The digit group at `start` continues the number token before it («8 701 555 12 34»)."""
        if len(tokens) <= sentence_first:
            return False
        last = tokens[-1]
        if not last.form[:1].isdigit() or not last.form[-1:].isdigit():
            return False
        gap = norm[last.end : start]
        return len(gap) <= 4 and _NUMBER_JOINT.fullmatch(gap) is not None


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """One shared analyser per process (pymorphy3's dictionaries take ~50 MB and ~0.3 s to load)."""
    return Lexicon()
