"""Scorer speed: replies graded per second with all checks, p50/p99 per reply, and the ratio to bare
pymorphy3 lemmatisation of the same texts in the same run.

    make bench            # or: .venv/bin/python bench/bench_scoring.py [--replies N] [--json]

Texts: the dev set replies when ../shared is beside the project, plus variants made from them
(numbers, names, word order of sentences), so the caches see realistic repetition and novelty.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

import pymorphy3

from scoring import Grader

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
FALLBACK = [
    "Здравствуйте! Почта России, меня зовут Мария. Чем могу помочь?",
    "Данную информацию мне необходимо уточнить, это займёт пару минут. Вы подождёте?",
    "Понимаю Ваше недовольство, приношу извинения. Я оформлю заявление на розыск.",
    "Спасибо за ожидание! Могу я Вам ещё чем-то помочь? Всего доброго!",
]
NAMES = ["Ирина", "Бахыт", "Сергей", "Айгуль", "Дмитрий", "Гульнара", "Олег", "Марат"]
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def texts(n: int, seed: int = 7) -> list[str]:
    base = (
        [
            json.loads(line)["text"]
            for line in DEV.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        if DEV.exists()
        else FALLBACK
    )
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = base[i % len(base)]
        if i >= len(base):
            sentences = re.split(r"(?<=[.!?])\s+", text)
            rng.shuffle(sentences)
            text = " ".join(sentences)
            text = re.sub(r"\d+", lambda _: str(rng.randint(1, 999)), text)
            text = f"{rng.choice(NAMES)}, {text[:1].lower()}{text[1:]}"
        out.append(text)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replies", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    corpus = texts(args.replies)
    grader = Grader()
    checks = list(grader.standard.checks)
    grader.grade(corpus[0])  # load dictionaries before timing

    # bare pymorphy3 lemmatisation of the same texts (uncached analyser, every word parsed)
    morph = pymorphy3.MorphAnalyzer()
    started = time.perf_counter()
    for text in corpus:
        for word in WORD.findall(text.lower()):
            morph.parse(word)[0].normal_form  # noqa: B018
    bare = time.perf_counter() - started

    durations = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for text in corpus:
        t0 = time.perf_counter()
        grader.grade(
            text, checks, {"time": "14:00", "company": "Почта России", "client_name": "Ирина"}
        )
        durations.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # this process only: steady when the machine is shared
    durations.sort()
    result = {
        "replies": len(corpus),
        "checks": len(checks),
        "replies_per_s": round(len(corpus) / total),
        "cpu_replies_per_s": round(len(corpus) / cpu),
        "p50_ms": round(statistics.median(durations) * 1000, 3),
        "p99_ms": round(durations[int(len(durations) * 0.99) - 1] * 1000, 3),
        "max_ms": round(durations[-1] * 1000, 3),
        "bare_pymorphy3_s": round(bare, 3),
        "grader_s": round(total, 3),
        "ratio_to_bare_pymorphy3": round(total / bare, 2),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
