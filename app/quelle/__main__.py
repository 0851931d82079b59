"""`python -m quelle` runs the same entry point as the `quelle` command."""

from quelle.cli import main

raise SystemExit(main())
