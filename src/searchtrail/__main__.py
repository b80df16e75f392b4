"""``python -m searchtrail`` runs the command line."""

import sys

from searchtrail.cli import program

sys.exit(program())
