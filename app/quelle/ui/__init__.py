"""Quelle's PySide6 window: a client of the engine process (`quelle.engine.server`)."""
