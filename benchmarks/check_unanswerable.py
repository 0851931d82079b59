"""Check benchmarks/data/unanswerable.jsonl, the questions Quelle's libraries cannot answer.

Abstention is calibrated and measured on these questions, so each must really be
unanswerable: every word listed in its `absent` field must occur nowhere in its library's
text (case-insensitive; see `occurs`). The check also wants unique ids, known fields
and at least 110 questions per language.

Library texts: the SEC 10-Q PDFs are read the way Quelle reads them (`read_pages`); the
SciFact and XQuAD-de corpora are one document per line (title + text). The extracted
text is cached in /tmp, never in the repository.

Usage: python benchmarks/check_unanswerable.py [--term WORD ...]
(with --term, only print in which libraries each word occurs).
Exits non-zero on any problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
QUESTIONS = REPO / "benchmarks" / "data" / "unanswerable.jsonl"
CACHE = Path("/tmp/quelle-unanswerable-cache")
LANGS = {"en", "de"}
LIBRARIES = {"sec10q", "scifact", "xquad_de"}
KINDS = {"absent-entity", "absent-year", "off-topic"}
MIN_PER_LANG = 110


def library_text(library: str) -> str:
    """The whole text of `library`, lower-cased, whitespace folded; cached in /tmp."""
    cached = CACHE / f"{library}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    if library == "sec10q":
        sys.path.insert(0, str(REPO / "app"))
        from quelle.engine.reading.documents import read_pages

        parts = [
            page.text
            for pdf in sorted((EVAL / "sec10q" / "docs").glob("*.pdf"))
            for page in read_pages(pdf)
        ]
    else:
        parts = []
        with open(EVAL / library / "corpus.jsonl", encoding="utf-8") as corpus:
            for line in corpus:
                doc = json.loads(line)
                parts += [doc.get("title", ""), doc.get("text", "")]
    text = " ".join(" ".join(parts).lower().split())
    CACHE.mkdir(exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text


def occurs(term: str, text: str) -> bool:
    """Long words match anywhere, even inside compounds ("Quallen" in "Rippenquallen");
    short ones (years, acronyms) only as whole tokens, so "SAP" is not found in "sapphire"."""
    term = " ".join(term.lower().split())
    if len(term) >= 5:
        return term in text
    before = r"(?<!\d)" if term[0].isdigit() else r"(?<![^\W\d_])"  # no digit / letter before
    after = r"(?!\d)" if term[-1].isdigit() else r"(?![^\W\d_])"
    return re.search(before + re.escape(term) + after, text) is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--term", nargs="*", help="only report where these words occur")
    args = parser.parse_args()
    texts = {library: library_text(library) for library in sorted(LIBRARIES)}
    if args.term:
        for term in args.term:
            found = [library for library, text in texts.items() if occurs(term, text)]
            print(f"{term!r}: {', '.join(found) or '-'}")
        return 0

    problems: list[str] = []
    ids: Counter[str] = Counter()
    counts: Counter[tuple[str, str, str]] = Counter()
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        q = json.loads(line)
        where = f"line {number} ({q.get('id')})"
        ids[q.get("id")] += 1
        if set(q) != {"id", "lang", "library", "kind", "text", "absent"}:
            problems.append(f"{where}: fields {sorted(q)}")
            continue
        if q["lang"] not in LANGS or q["library"] not in LIBRARIES or q["kind"] not in KINDS:
            problems.append(f"{where}: unknown lang, library or kind")
            continue
        if not q["text"].strip() or (q["kind"] != "off-topic" and not q["absent"]):
            problems.append(f"{where}: empty text, or no absent words for {q['kind']}")
        for term in q["absent"]:
            if occurs(term, texts[q["library"]]):
                problems.append(f"{where}: {term!r} occurs in {q['library']}")
        counts[q["lang"], q["library"], q["kind"]] += 1

    problems += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    for lang in sorted(LANGS):
        rows = [
            (library, kind, n)
            for (q_lang, library, kind), n in sorted(counts.items())
            if q_lang == lang
        ]
        total = sum(n for _, _, n in rows)
        print(f"{lang}: {total} questions")
        for library, kind, n in rows:
            print(f"  {library:9} {kind:14} {n}")
        if total < MIN_PER_LANG:
            problems.append(f"{lang}: {total} questions, fewer than {MIN_PER_LANG}")
    for problem in problems:
        print("PROBLEM:", problem)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
