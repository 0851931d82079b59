"""Answer benchmark on the 20 SEC 10-Q filings: does Quelle state the right figure, and does
it cite a page that holds it?

Questions: those of qna_data.csv whose gold answer holds at least one figure. A figure is a
number written with a dollar sign, a percent sign (or "percent"), a scale word (thousand,
million, billion, trillion) or thousands separators ("82,959"); a bare number (a year, a
day, a note or list number) is not one.

Each answer is scored on:
- right figure: it states a figure equal to one of the gold answer's. Scales are applied
  ("$82,959 million" = "$82.96 billion"); a number without a scale may stand in any
  ("82,959" as written in a table "in millions"). Equal means within the rounding of the
  less precise of the two: one unit of its last digit (so "82.9 billion" counts, as a
  truncation), but no more than 1 % of the gold value; percentages within half a unit
  ("16 %" for 15.7 %). In the answer, bare numbers of two or more significant digits count
  too (not years), since models copy table cells as written ("963").
- right page: the right figure also stands on the page of a cited source (the sources whose
  [n] appears in the answer; all of them when it cites none), in the page's indexed text.
- abstained: no passage was relevant, or the answer says the documents do not answer.
- ceiling: a passage given to the model holds a gold figure at all; no model can state a
  right figure from its sources more often.
- file hit: a source comes from a filing the question is about; page hit: a source's page
  holds a gold figure (retrieval only, whatever the model makes of it).

Answers are greedy (temperature 0) unless --temperature says otherwise, so that two runs
differ only by what was changed. The held-out 30 % of questions (by a hash of the question
text, as in beir.py) is for confirming a choice, never for making it.

Usage: python benchmarks/answers.py [--model PATH.gguf] [--questions N]
       [--split dev|held-out|all] [--home DIR] [--pdf-text plain|layout|tables] [--threads N]
On a machine shared with other work, --threads 1 avoids llama.cpp's threads waiting on each
other; answering takes tens of seconds per question there, so keep N small.
Prints a table per split, writes benchmarks/results/answers.json.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import functools
import hashlib
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from beir import EVAL, split  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEC = REPO.parent / "shared" / "eval" / "sec10q"
RESULTS = REPO / "benchmarks" / "results" / "answers.json"
CACHE_VERSION = 1  # bump when what goes into a cached library changes

# --- figures -----------------------------------------------------------------------------------

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?<![\w.,$])(?P<dollar>\$\s*)?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w,]\d)"
    r"(?:\s*(?P<percent>%|percent\b)|\s+(?P<scale>thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Figure:
    value: float  # with its scale applied
    unit: float  # place value of its last written digit, scale applied
    percent: bool
    scaled: bool  # a scale word or a percent sign fixes its magnitude
    text: str

    def equals(self, gold: Figure) -> bool:
        """Within the rounding of the less precise of the two (see the module docstring)."""
        if self.percent != gold.percent or not gold.value:
            return False
        if self.percent:
            return abs(self.value - gold.value) <= 0.5 * max(self.unit, gold.unit) + 1e-9
        for value, unit in self._magnitudes():
            for gold_value, gold_unit in gold._magnitudes():
                tolerance = min(max(unit, gold_unit), 0.01 * gold_value)
                if abs(value - gold_value) <= tolerance * (1 + 1e-9):
                    return True
        return False

    def _magnitudes(self) -> list[tuple[float, float]]:
        """(value, unit) in each scale the figure may stand for."""
        factors = (1.0,) if self.scaled else (1.0, 1e3, 1e6, 1e9)
        return [(self.value * f, self.unit * f) for f in factors]


def figures(text: str, strict: bool = True) -> list[Figure]:
    """The figures of `text`. `strict`: only marked ones ($, %, scale word, thousands
    separators); otherwise also bare numbers of two or more significant digits, not years."""
    found: dict[tuple[float, bool], Figure] = {}
    for match in _FIGURE.finditer(text):
        number = match["number"]
        marked = bool(match["dollar"] or match["percent"] or match["scale"] or "," in number)
        digits = number.replace(",", "")
        if not marked:
            significant = digits.replace(".", "").lstrip("0")
            if strict or len(significant.rstrip("0") or "0") < 2 or _is_year(digits):
                continue
        decimals = len(digits.partition(".")[2])
        scale = _SCALES[match["scale"].lower()] if match["scale"] else 1.0
        figure = Figure(
            float(digits) * scale,
            10.0**-decimals * scale,
            bool(match["percent"]),
            bool(match["scale"] or match["percent"]),
            match.group(0).strip(),
        )
        found.setdefault((figure.value, figure.percent), figure)
    return list(found.values())


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099


def holds(text_figures: Iterable[Figure], gold: Iterable[Figure]) -> list[Figure]:
    """The gold figures that some figure of a text equals."""
    text_figures = list(text_figures)
    return [g for g in gold if any(f.equals(g) for f in text_figures)]


# --- abstention and citations ------------------------------------------------------------------

_ABSTAIN = re.compile(
    r"(found nothing|(do|does|did) not (contain|answer|provide|mention|include|specify|state)"
    r"|no (specific |explicit )?(information|mention|data|details)"
    r"|not (explicitly )?(mentioned|provided|available|specified|stated|given)"
    r"|(cannot|can't|could not|unable to) (find|answer|determine|provide))",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\[(\d+)\]")


def abstained(answer) -> bool:  # type: ignore[no-untyped-def]
    return not answer.sources or bool(_ABSTAIN.search(answer.text))


def cited(answer) -> list:  # type: ignore[no-untyped-def]
    """The sources whose [n] appears in the answer; all of them when it cites none."""
    numbers = {int(n) for n in _MARKER.findall(answer.text)}
    chosen = [h for i, h in enumerate(answer.sources, start=1) if i in numbers]
    return chosen or list(answer.sources)


# --- questions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    split: str
    sources: str  # glob(s) of the filings it is about
    kind: str
    chunk_type: str
    gold: str
    figures: tuple[Figure, ...]


Item = tuple[str, str, Callable[[str], bool]]  # question, split, whether a text answers it


def sec_items() -> list[Item]:
    """The 10-Q questions with a gold figure: a text answers one when it holds that figure."""
    return [
        (q.text, q.split, lambda c, q=q: bool(holds(figures(c, strict=False), q.figures)))
        for q in load_questions("all", None)
    ]


def xquad_items(queries: dict[str, str]) -> list[Item]:
    """The XQuAD-de questions with gold answers: a text answers one when it holds one of
    them (as words, case aside)."""
    answers: dict[str, list[str]] = {}
    with (EVAL / "xquad_de" / "queries.jsonl").open(encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            answers[q["_id"]] = [a.lower() for a in q.get("metadata", {}).get("answers", [])]
    return [
        (text, split(qid), lambda c, a=answers[qid]: any(x in c.lower() for x in a))
        for qid, text in queries.items()
        if answers.get(qid)
    ]


def load_questions(which: str, limit: int | None) -> list[Question]:
    with (SEC / "qna_data.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    chosen = []
    for row in rows:
        gold = figures(row["Answer"])
        part = split(row["Question"])
        if gold and which in ("all", part):
            chosen.append(
                Question(
                    row["Question"].strip(),
                    part,
                    row["Source Docs"].strip(),
                    row["Question Type"],
                    row["Source Chunk Type"],
                    row["Answer"],
                    tuple(gold),
                )
            )
    return chosen[:limit] if limit else chosen


def about(sources: str, path: str) -> bool:
    """Whether the file at `path` is one of a question's source filings ("*AAPL*, …")."""
    name = Path(path).name
    return any(
        fnmatch.fnmatch(name, p.strip()) or fnmatch.fnmatch(name, f"*{p.strip()}*")
        for p in sources.split(",")
    )


# --- the library -------------------------------------------------------------------------------


def cache_home(pdf_text: str | None, settings) -> Path:  # type: ignore[no-untyped-def]
    """A library per way of extracting and cutting text: the reader's and chunker's code, the
    PDF text mode and the passage sizes. Any change to those builds a new one."""
    from quelle.engine.reading import chunking, documents

    digest = hashlib.sha256()
    for module in (documents, chunking):
        digest.update(Path(module.__file__).read_bytes())
    key = {
        "version": CACHE_VERSION,
        "pdf_text": pdf_text or "default",
        "code": digest.hexdigest()[:16],
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "embedder": settings.embedding_model,
    }
    name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"quelle-answers-{name}"


def ingest(library, files: Sequence[Path], pdf_text: str | None):  # type: ignore[no-untyped-def]
    """The filings into `library`; already indexed ones are skipped. With `pdf_text` the
    PDFs are read that way, in this process, instead of the facade's default reader."""
    if pdf_text is None:
        return library.ingest(files)
    from quelle.engine.ingestion import Ingestor
    from quelle.engine.reading.documents import read_pages

    s = library.settings
    ingestor = Ingestor(
        library.catalog,
        library._vector_store(),
        library.embedder(),
        s.chunk_tokens,
        s.chunk_overlap,
        read=functools.partial(read_pages, pdf_text=pdf_text),
    )
    return ingestor.run(list(files))


class PageTexts:
    """The indexed text of a page: its passages joined (overlaps do not matter here)."""

    def __init__(self, catalog) -> None:  # type: ignore[no-untyped-def]
        self._catalog = catalog
        self._pages: dict[str, dict[int, list[Figure]]] = {}

    def figures(self, doc_id: str, page: int) -> list[Figure]:
        if doc_id not in self._pages:
            texts: dict[int, list[str]] = {}
            passages = self._catalog.passages(self._catalog.passage_ids(doc_id))
            for passage in passages.values():
                texts.setdefault(passage.page, []).append(passage.text)
            self._pages[doc_id] = {p: figures("\n".join(t), strict=False) for p, t in texts.items()}
        return self._pages[doc_id].get(page, [])


# --- scoring -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    question: str
    split: str
    gold_figures: list[str]
    answer: str
    sources: list[str]  # "file, page n"
    cited: list[int]  # 1-based
    right_figure: bool
    right_page: bool
    abstained: bool
    ceiling: bool
    file_hit: bool
    page_hit: bool
    prompt_tokens: int | None
    first_token_seconds: float | None
    total_seconds: float
    stated_figures: list[str] = field(default_factory=list)


def score(question: Question, answer, pages: PageTexts, seconds: float) -> Record:  # type: ignore[no-untyped-def]
    gold = question.figures
    stated = figures(answer.text, strict=False)
    right = holds(stated, gold)
    chosen = cited(answer)
    right_page = any(holds(pages.figures(h.passage.doc_id, h.passage.page), right) for h in chosen)
    ceiling = any(holds(figures(h.passage.text, strict=False), gold) for h in answer.sources)
    page_hit = any(
        holds(pages.figures(h.passage.doc_id, h.passage.page), gold) for h in answer.sources
    )
    t = answer.timings
    numbers = [i for i, h in enumerate(answer.sources, start=1) if h in chosen]
    return Record(
        question.text,
        question.split,
        [g.text for g in gold],
        answer.text,
        [f"{Path(h.passage.path).name}, page {h.passage.page}" for h in answer.sources],
        numbers if len(chosen) < len(answer.sources) or _MARKER.search(answer.text) else [],
        bool(right),
        right_page,
        abstained(answer),
        ceiling,
        any(about(question.sources, h.passage.path) for h in answer.sources),
        page_hit,
        t.prompt_tokens if t else None,
        round(t.first_token_seconds, 3) if t else None,
        round(seconds, 2),
        [f.text for f in stated if any(f.equals(g) for g in gold)],
    )


def summarise(records: Sequence[Record]) -> dict[str, float | int | None]:
    n = len(records)

    def share(flag: str) -> float | None:
        return round(100 * sum(getattr(r, flag) for r in records) / n, 1) if n else None

    prompts = [r.prompt_tokens for r in records if r.prompt_tokens is not None]
    firsts = [r.first_token_seconds for r in records if r.first_token_seconds is not None]
    return {
        "questions": n,
        "right_figure_pct": share("right_figure"),
        "right_figure_right_page_pct": share("right_page"),
        "abstained_pct": share("abstained"),
        "ceiling_pct": share("ceiling"),
        "file_hit_pct": share("file_hit"),
        "page_hit_pct": share("page_hit"),
        "median_prompt_tokens": statistics.median(prompts) if prompts else None,
        "median_first_token_s": round(statistics.median(firsts), 2) if firsts else None,
    }


_COLUMNS = [
    ("split", "split", "{}"),
    ("questions", "n", "{}"),
    ("right_figure_pct", "right fig %", "{:.1f}"),
    ("right_figure_right_page_pct", "+right page %", "{:.1f}"),
    ("abstained_pct", "abstained %", "{:.1f}"),
    ("ceiling_pct", "ceiling %", "{:.1f}"),
    ("file_hit_pct", "file hit %", "{:.1f}"),
    ("page_hit_pct", "page hit %", "{:.1f}"),
    ("median_prompt_tokens", "prompt tok", "{:.0f}"),
    ("median_first_token_s", "1st token s", "{:.2f}"),
]


def table(summaries: dict[str, dict]) -> str:
    heads = [head for _, head, _ in _COLUMNS]
    rows = []
    for name, summary in summaries.items():
        row = []
        for key, _, form in _COLUMNS:
            value = name if key == "split" else summary.get(key)
            row.append("-" if value is None else form.format(value))
        rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a GGUF chat model (default: the bundled one)")
    parser.add_argument("--questions", type=int, help="only the first N chosen questions")
    parser.add_argument("--split", choices=("dev", "held-out", "all"), default="all")
    parser.add_argument("--home", type=Path, help="library to reuse (default: a cache in /tmp)")
    parser.add_argument(
        "--pdf-text",
        help="read PDFs with this mode of the PDF reader "
        "(quelle.engine.reading.documents.PDF_TEXT_MODES) instead of its default",
    )
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: its choice)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from quelle.common.settings import Settings
    from quelle.engine.library import Library
    from quelle.engine.models.bundled import chat_model_path

    settings = Settings().replace(
        chat_model=str(args.model or ""), temperature=args.temperature, threads=args.threads
    )
    home = args.home or cache_home(args.pdf_text, settings)
    questions = load_questions(args.split, args.questions)
    files = sorted((SEC / "docs").glob("*.pdf"))
    print(f"{len(questions)} questions; library {home}", file=sys.stderr)

    library = Library(home, settings=settings)
    started = time.perf_counter()
    report = ingest(library, files, args.pdf_text)
    assert not report.failed, report.failed
    print(f"ingested in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    library.load_models()
    pages = PageTexts(library.catalog)
    records: list[Record] = []
    for number, question in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = library.ask(question.text, write=True)
        record = score(question, answer, pages, time.perf_counter() - started)
        records.append(record)
        marks = "".join(
            c if flag else "."
            for c, flag in (
                ("F", record.right_figure),
                ("P", record.right_page),
                ("A", record.abstained),
                ("C", record.ceiling),
            )
        )
        print(
            f"{number:3}/{len(questions)} {question.split:8} {marks} "
            f"{record.total_seconds:5.1f}s {question.text[:70]}",
            file=sys.stderr,
        )
    library.close()

    summaries = {
        part: summarise([r for r in records if r.split == part])
        for part in ("dev", "held-out")
        if any(r.split == part for r in records)
    }
    summaries["all"] = summarise(records)
    print(table(summaries))
    result = {
        "model": chat_model_path(settings.chat_model).name,
        "pdf_text": args.pdf_text or "default",
        "temperature": args.temperature,
        "split": args.split,
        "summary": summaries,
        "questions": [asdict(r) for r in records],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
