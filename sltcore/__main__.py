"""`python -m sltcore`: the command line beside the web UI."""

from sltcore.cli import main

raise SystemExit(main())
