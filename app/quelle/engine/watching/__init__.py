"""Watched folders: which files of a folder the library follows, the operating system's
notices of their changes gathered into rounds, and each round taken into the library."""
