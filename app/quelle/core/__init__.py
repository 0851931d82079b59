"""The RAG engine: plain Python, never imports Qt. The UI and the CLI call `Library`."""
