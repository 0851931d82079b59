"""Telling German from English and turning text into stemmed search terms.

The default embedder is English-centric; stemmed keyword search is what keeps German
documents findable. A passage is stemmed in its own language; a query is stemmed both ways,
so a German question finds German passages and an English one English passages.
"""

from __future__ import annotations

import re
import threading

_WORD = re.compile(r"\w+", re.UNICODE)

GERMAN_STOPWORDS = frozenset(
    "der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war "
    "waren wird werden wurde wurden hat haben hatte zu zum zur mit von vom für auf aus bei im in "
    "an am als auch es sich sie er wir ihr ich du man wie was wer wo wann warum welche welcher "
    "welches dass daß so noch nur nach über unter vor durch bis um seit sein seine ihre ihrer "
    "diese dieser dieses dann denn doch schon sehr mehr kann können muss soll gibt".split()
)
ENGLISH_STOPWORDS = frozenset(
    "the a an and or but not is are was were be been being has have had do does did to of in "
    "on at by for with from as that this these those it its they them their he she we you i "
    "what which who whom when where why how than then there here so such into about over under "
    "also can could would should will shall may might must".split()
)
STOPWORDS = GERMAN_STOPWORDS | ENGLISH_STOPWORDS
# Words that frame a question rather than name what it asks about: "Where does the team
# holiday go?" is answered by "takes us to Lisbon", which never says "go". Their absence
# from a library says nothing about whether it can answer.
QUESTION_FRAME = frozenset(
    "go goes going went gone get gets got make makes made take takes took taken give gives "
    "gave given come comes came say says said tell tells told mean means meant happen happens "
    "happened know known think describe explain list show name find use used many much long "
    "often kind type sort way thing things anything something please"
    " gehen geht ging gegangen kommen kommt kam machen macht machte gemacht geben gab "
    "gegeben sagen sagt sagte gesagt bedeutet bedeuten passiert passierte geschah erklären "
    "erkläre beschreiben beschreibe nennen nenne viele viel lange oft art etwas bitte".split()
)
_GERMAN_MARKERS = frozenset("äöüß")
_STEMMERS = threading.local()  # a Snowball stemmer keeps its word in itself: one per thread


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def detect_language(text: str) -> str:
    """'de' or 'en', from stopwords and umlauts; English when unsure."""
    tokens = words(text)
    german = sum(t in GERMAN_STOPWORDS for t in tokens)
    english = sum(t in ENGLISH_STOPWORDS for t in tokens)
    german += sum(ch in _GERMAN_MARKERS for ch in text.lower()) // 3
    return "de" if german > english else "en"


def _stemmer(language: str):  # type: ignore[no-untyped-def]
    stemmer = getattr(_STEMMERS, language, None)
    if stemmer is None:
        import snowballstemmer

        stemmer = snowballstemmer.stemmer("german" if language == "de" else "english")
        setattr(_STEMMERS, language, stemmer)
    return stemmer


def _folded(word: str) -> str:
    """German umlauts folded, so 'Umsätze' and 'Umsaetze' meet."""
    return word.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


def index_terms(text: str, language: str | None = None) -> str:
    """Space-separated stems of the content words of a passage, for the keyword index."""
    language = language or detect_language(text)
    stem = _stemmer(language).stemWord
    return " ".join(_folded(stem(w)) for w in words(text) if w not in STOPWORDS)


def passage_terms(title: str, text: str) -> str:
    """A passage's entry in the keyword index: its document's title and its text, stemmed in
    the text's language."""
    return index_terms(f"{title}\n{text}", detect_language(text))


def asked_words(question: str) -> list[str]:
    """The words of a question that say what it asks about: no stopwords, no words that
    only frame a question (QUESTION_FRAME)."""
    return [w for w in words(question) if w not in STOPWORDS and w not in QUESTION_FRAME]


def stem_variants(word: str) -> frozenset[str]:
    """A word stemmed as German and as English: the forms the keyword index may hold."""
    return frozenset(_folded(_stemmer(language).stemWord(word)) for language in ("de", "en"))


def query_terms(text: str) -> list[str]:
    """Each content word of a question stemmed as German and as English, without repeats."""
    terms: dict[str, None] = {}
    content = [w for w in words(text) if w not in STOPWORDS] or words(text)
    for w in content:
        for term in sorted(stem_variants(w)):
            terms[term] = None
    return list(terms)
