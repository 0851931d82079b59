"""Passwords of protected PDFs the user asked Quelle to remember: kept in the system's keyring
(through the `keyring` library), keyed by the file's content, never in Quelle's own files.
Without a usable keyring nothing is remembered, and the user is told so."""

from __future__ import annotations

import logging

from quelle.common.wording import say

log = logging.getLogger(__name__)

SERVICE = "Quelle"


def _key(doc_id: str) -> str:
    return f"pdf:{doc_id}"


def remembered(doc_id: str) -> str | None:
    """The password remembered for the document with this content hash, if any."""
    try:
        import keyring

        return keyring.get_password(SERVICE, _key(doc_id))
    except Exception:  # no keyring here, or it is locked: as if nothing was remembered
        log.info("No password could be read from the keyring", exc_info=True)
        return None


def remember(doc_id: str, password: str) -> str | None:
    """Keep `password` for the document; a message for the user when it cannot be kept."""
    try:
        import keyring

        keyring.set_password(SERVICE, _key(doc_id), password)
        return None
    except Exception:
        log.warning("The keyring did not take the password", exc_info=True)
        return say(
            "This computer has no system keyring Quelle can use, so the password was used "
            "once and not kept."
        )
