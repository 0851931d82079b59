from __future__ import annotations

from quelle.common.units import split_units
from quelle.engine.reading.chunking import chunk_pages
from quelle.engine.reading.documents import Page

from fakes import FakeEmbedder

starts = FakeEmbedder().token_starts


def sentences(n: int) -> str:
    return " ".join(f"Sentence number {i} says something about topic {i}." for i in range(n))


def test_chunks_respect_the_token_limit_and_point_back_into_the_page() -> None:
    page = Page(3, sentences(60))
    chunks = chunk_pages([page], starts, max_tokens=40, overlap=10)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(starts(chunk.text)) <= 40
        assert page.text[chunk.start : chunk.end] == chunk.text
        assert chunk.page == 3


def test_chunks_cut_at_sentence_ends_and_overlap() -> None:
    page = Page(1, sentences(30))
    chunks = chunk_pages([page], starts, max_tokens=40, overlap=12)
    for chunk in chunks:
        assert chunk.text.startswith("Sentence") and chunk.text.endswith(".")
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end, "consecutive chunks share a sentence"
        assert after.start > before.start, "chunking always moves forward"
    covered: set[int] = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert max(covered) == len(page.text) - 1


def test_a_sentence_longer_than_the_limit_is_split_not_truncated() -> None:
    words = " ".join(f"w{i}" for i in range(500))
    page = Page(1, words)
    chunks = chunk_pages([page], starts, max_tokens=50, overlap=0)
    assert all(len(starts(c.text)) <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == words.split()


def test_paragraph_breaks_are_boundaries() -> None:
    units = split_units("Title line\nFirst paragraph. Second sentence!\n\nNext")
    texts = ["Title line\nFirst paragraph. Second sentence!\n\nNext"[a:b] for a, b in units]
    assert texts == ["Title line", "First paragraph.", "Second sentence!", "Next"]


def test_pages_are_never_merged_into_one_chunk() -> None:
    chunks = chunk_pages([Page(1, "Alpha."), Page(2, "Beta.")], starts, 40, 5)
    assert [(c.page, c.text) for c in chunks] == [(1, "Alpha."), (2, "Beta.")]


def test_the_reader_processes_cut_by_the_embedders_own_tokens() -> None:
    """The reader processes count tokens without the model; a long German text must give
    exactly the tokens the embedder sees, or passages would overflow its input."""
    import pickle

    from transformers import AutoTokenizer

    from quelle.engine.models.bundled import bundled_embedder_path
    from quelle.engine.models.embedder import TokenOffsets

    text = "Die Umsätze stiegen im dritten Quartal um 8 % auf 82.959 Mio. USD. " * 60
    offsets = pickle.loads(pickle.dumps(TokenOffsets(bundled_embedder_path())))  # as sent
    model = AutoTokenizer.from_pretrained(str(bundled_embedder_path()), local_files_only=True)
    expected = model(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    assert len(expected["input_ids"]) > 1000  # far beyond the 128 its tokenizer file cuts at
    assert offsets(text) == [start for start, _ in expected["offset_mapping"]]
