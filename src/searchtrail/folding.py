"""Text in the form two people's spellings of it agree on: lower-case ASCII words.

HTML entities and tags removed, Greek letters spelt out (``α`` as ``alpha``, as databases
write them), other scripts transliterated to ASCII (anyascii), lower case, punctuation to
single spaces. Deduplication compares titles, authors and journals in this form; the check
that a decision's record still has the title its reviewer saw compares titles in it too.
"""

from __future__ import annotations

import html
import re
from typing import Final

from anyascii import anyascii

_GREEK_NAMES: Final = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
# Greek letters by name, as databases that cannot print them write them ("β-blockers" and
# "beta-blockers"), in both cases; the micro sign is a mu.
_GREEK: Final = str.maketrans(
    {
        **{letter: f" {name} " for letter, name in _GREEK_NAMES.items()},
        **{letter.upper(): f" {name} " for letter, name in _GREEK_NAMES.items()},
        "µ": " mu ",
    }
)
_TAG: Final = re.compile(r"<[^<>]{1,40}>")
NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces."""
    if not text:
        return ""
    if "&" in text or "<" in text:
        text = _TAG.sub(" ", html.unescape(text))
    if not text.isascii():
        text = anyascii(text.translate(_GREEK))
    return " ".join(NON_ALNUM.split(text.lower())).strip()
