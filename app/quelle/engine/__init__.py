"""The engine: plain Python, never imports Qt. It owns the library: reading, index, search,
answers, models."""
