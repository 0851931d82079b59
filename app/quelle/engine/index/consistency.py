"""Does a library agree with itself?

The catalogue (documents, their paths, passages and keyword index) and the vector store are
written in separate steps. A crash between them is already safe (a half-added document is
finished on the next start), but a disk that filled up, a store edited by another program
or a bug can still leave a vector without its passage, a passage without its vector or a
keyword entry pointing nowhere. `check` finds each of these and, asked to, mends them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from quelle.engine.index.catalog import Catalog, document_of
from quelle.engine.index.vectors import PassageVectors
from quelle.protocol.values import CheckReport


def check(
    catalog: Catalog, store: PassageVectors, repair: bool, resume: Callable[[], object]
) -> CheckReport:
    """What disagrees; with `repair`, mended in the catalogue in one transaction, orphan
    vectors deleted, passages without vectors embedded again and documents whose indexing
    was cut off finished (`resume`)."""
    documents = catalog.documents()
    unfinished = {d.doc_id for d in documents if d.state != "ready"}
    passage_ids = catalog.all_passage_ids()
    vector_ids = set(store.ids())
    known = set(passage_ids)
    orphans = [pid for pid in vector_ids if pid not in known]
    missing = [
        pid for pid in passage_ids if pid not in vector_ids and document_of(pid) not in unfinished
    ]
    dangling = catalog.dangling_sources()
    pathless = catalog.sourceless_documents()
    unindexed = catalog.unindexed_passages()
    report = CheckReport(
        documents=len(documents),
        passages=len(passage_ids),
        vectors=len(vector_ids),
        orphan_vectors=len(orphans),
        missing_vectors=len(missing),
        orphan_terms=catalog.orphan_term_rows(),
        missing_terms=len(unindexed),
        dangling_paths=len(dangling),
        pathless_documents=len(pathless),
        short_documents=[d.title for d in catalog.short_documents()],
        unfinished_documents=len(unfinished),
    )
    if not repair or not report.problems:
        return report
    gone = set(pathless)
    redo = sorted({document_of(pid) for pid in missing} - gone)
    catalog.repair(dangling, pathless, unindexed, redo)
    store.delete(orphans + [pid for pid in vector_ids if document_of(pid) in gone])
    if redo or unfinished - gone:
        resume()  # embeds what is missing and finishes what was cut off
    return replace(report, repaired=True)
