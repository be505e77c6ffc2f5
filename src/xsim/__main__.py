"""``python -m xsim`` runs the command-line interface (the same as the ``xsim`` command)."""

from xsim.cli import main

raise SystemExit(main())
