"""Question -> ranked passages: dense and keyword search, fusion, re-ranking."""
