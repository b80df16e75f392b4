"""Many more variants than the suite reads: the column reader against the line readers.

Usage (from the repository's root)::

    .venv/bin/python tests/fuzz_columnar.py [ROUNDS]

Each round makes ten variants of each of nine test exports with two quirks in a row (the
quirks of ``test_columnar._variants``), reads every variant that a reader takes both ways
and compares the tables (``test_columnar._same_both_ways``). A variant that differs is kept
in a temporary folder and named. Not part of the suite: 40 rounds take a few minutes.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from searchtrail.errors import ReviewError
from searchtrail.records.reader import read_export
from tests import test_columnar as both

SOURCES = (
    None,  # the RIS sample of test_columnar
    "pubmed.nbib",
    "wos_plain.txt",
    "ovid_psycinfo.ris",
    "eric.nbib",
    "scopus.csv",
    "cochrane_central.ris",
    "real/wos_plaintext_early_access_excerpt.ciw",
    "real/ebsco_cinahl_doi_in_l3.ris",
)


def main(rounds: int) -> int:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-columnar-"))
    read = taken = different = 0
    for number in range(rounds):
        for name in SOURCES:
            source = None if name is None else both.DATA / name
            text = both.RIS if source is None else source.read_text(encoding="utf-8-sig")
            suffix = ".ris" if source is None else source.suffix
            rng = random.Random(number * 100 + 7)
            for index, variant in enumerate(both._variants(text, rng)[:10]):
                path = folder / f"variant{index}{suffix}"
                path.write_bytes(both._variants(variant, rng)[0].encode())
                try:
                    read_export(path, path.name)
                except ReviewError:
                    continue
                read += 1
                try:
                    taken += both._same_both_ways(path)
                except AssertionError as error:
                    different += 1
                    kept = folder / f"different{different}{suffix}"
                    kept.write_bytes(path.read_bytes())
                    print(f"differs: {kept} ({str(error).splitlines()[0]})")
    print(f"{read} variants read, {taken} by the column reader, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
