"""``python -m xsim.cli …`` — the same as the ``xsim`` command."""

import sys

from xsim.cli import main

sys.exit(main())
