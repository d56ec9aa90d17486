"""A small, hand-written lexicon of bias cues and the sentence-context features built from it.

Word classes (lower-case, single tokens): reporting verbs, hedges, intensifiers, and opinion or
emotion words typical of loaded language. The lists are short on purpose: they give the linear
tagger features that reach beyond a token's window (is this sentence a quote, does it hedge,
is it opinionated), not a dictionary of bias.
"""

from __future__ import annotations

from collections.abc import Sequence

REPORTING = frozenset(
    "said says say told tells claimed claims claim stated states argued argues added adds "
    "insisted insists alleged alleges asserted asserts wrote writes declared declares noted "
    "notes explained explains warned warns admitted admits denied denies suggested suggests "
    "according reported reports announced announces tweeted tweets".split()
)
HEDGES = frozenset(
    "may might could perhaps possibly probably apparently allegedly reportedly seemingly "
    "likely unlikely suggest suggests seem seems seemed appear appears appeared arguably "
    "presumably supposedly somewhat rather".split()
)
INTENSIFIERS = frozenset(
    "very extremely totally completely utterly absolutely really truly highly deeply "
    "incredibly hugely massively entirely so most never always every all only even "
    "just literally clearly obviously undoubtedly".split()
)
OPINION = frozenset(
    "bad terrible horrible awful disgusting disgraceful shameful outrageous ridiculous "
    "absurd stupid evil corrupt crazy insane radical extreme dangerous disastrous "
    "catastrophic brutal vicious racist hateful fake lies lie liar lying hoax scam "
    "traitor treason attack attacks destroy destroyed slams slammed blasts blasted "
    "great amazing wonderful brilliant heroic incredible tremendous beautiful best worst "
    "shocking stunning alarming horrific devastating terror terrorist terrorists "
    "enemy enemies threat threats war crisis chaos disaster fear hate propaganda".split()
)
QUOTES = frozenset('"“”„«»‘’')

CLASSES = (("rep", REPORTING), ("hedge", HEDGES), ("int", INTENSIFIERS), ("op", OPINION))


def word_class(low: str) -> str | None:
    """The lexicon class of a lower-cased token, or ``None``."""
    for name, words in CLASSES:
        if low in words:
            return name
    return None


def sentence_context(words: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Features shared by every token of a sentence, and per token whether it is inside quotes.

    Sentence features: which lexicon classes occur (and whether opinion words occur twice or
    more), whether the sentence has quote marks, an exclamation or question mark, and a coarse
    length bucket.
    """
    lows = [w.lower() for w in words]
    feats = []
    counts = {name: sum(1 for w in lows if w in lex) for name, lex in CLASSES}
    for name, n in counts.items():
        if n:
            feats.append(f"S:{name}")
    if counts["op"] >= 2:
        feats.append("S:op2")
    if any(w in QUOTES or w == "'" for w in words):
        feats.append("S:quote")
    if "!" in words:
        feats.append("S:excl")
    if "?" in words:
        feats.append("S:q")
    feats.append(f"S:len={min(len(words) // 10, 5)}")
    inside, open_ = [], False
    for w in words:
        if w in QUOTES or w == '"':
            open_ = not open_
            inside.append(False)
        else:
            inside.append(open_)
    return feats, inside
