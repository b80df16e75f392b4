"""``python -m searchtrail`` runs the command line."""

import sys

from searchtrail.cli import program

if __name__ == "__main__":  # a process started for a worker imports this module too
    sys.exit(program())
