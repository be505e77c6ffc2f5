"""``python -m xsim.cli …`` — the same as the ``xsim`` command."""

from xsim.cli import entry

entry()
