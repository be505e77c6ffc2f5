"""``python -m xsim`` runs the command-line interface (the same as the ``xsim`` command)."""

from xsim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
