"""`python -m metacompress` runs the command-line interface."""

from metacompress.cli import main

raise SystemExit(main())
