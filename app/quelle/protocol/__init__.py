"""What crosses between the window (or a second CLI) and the engine process: every message
and its version."""
