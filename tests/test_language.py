"""Keyword terms: German and English stems, the same whichever thread asks."""

from __future__ import annotations

import sys
import threading

from quelle.engine.search.language import detect_language, index_terms, query_terms

ENGLISH = (
    "Total net sales increased during the third quarter, driven by higher revenues "
    "from services and wearables; operating expenses were generally flat. "
) * 20
GERMAN = (
    "Die Umsätze stiegen im dritten Quartal deutlich, getragen von höheren Erlösen "
    "aus Dienstleistungen; die Betriebskosten blieben weitgehend gleich. "
) * 20


def test_language_and_stems() -> None:
    assert detect_language(GERMAN) == "de" and detect_language(ENGLISH) == "en"
    assert "umsatz" in index_terms(GERMAN).split()  # 'Umsätze', stemmed and folded
    assert {"sale", "increas"} <= set(index_terms(ENGLISH).split())
    assert "umsatz" in query_terms("Wie hoch waren die Umsätze?")


def test_two_threads_stemming_at_once_get_the_same_terms_as_one() -> None:
    expected = {"en": index_terms(ENGLISH, "en"), "de": index_terms(GERMAN, "de")}
    wrong: list[str] = []
    errors: list[BaseException] = []

    def stem(language: str, text: str) -> None:
        try:
            for _ in range(15):
                if index_terms(text, language) != expected[language]:
                    wrong.append(language)
        except BaseException as exc:  # noqa: BLE001  a race shows up as IndexError too
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, as a busy machine does
    try:
        threads = [
            threading.Thread(target=stem, args=(language, text))
            for language, text in (("en", ENGLISH), ("de", GERMAN)) * 2
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and not wrong, (errors[:1], len(wrong))
    assert "umsatz" in expected["de"].split()  # German was stemmed as German
