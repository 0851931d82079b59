"""`python -m quelle` runs the same entry point as the `quelle` command."""

from quelle.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
