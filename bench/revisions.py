"""How long the revision diff takes on a long wiki page: 5,000 words with 200 links.

    .venv/bin/python bench/revisions.py [--rounds 20]

Five edits are measured, each the median of the rounds: a few words changed across the
page, paragraphs added and removed, and the worst cases: one 5,000-word paragraph (no line
breaks to narrow the comparison) with words changed throughout, or replaced by another.
"""

from __future__ import annotations

import argparse
import random

from timing import median_ms

from pleio_core.content.diff import diff_html

WORDS = (
    "de het een gemeente beleid archief informatie burger wet besluit openbaar register "
    "document termijn provincie rijk dienst overleg project kennis platform samenwerking"
).split()


def paragraph(rng: random.Random, words: int, links: int) -> str:
    out = [rng.choice(WORDS) for _ in range(words)]
    for _ in range(links):
        at = rng.randrange(len(out))
        out[at] = f"[{out[at]}](https://example.nl/{rng.choice(WORDS)}/{rng.randrange(10**6)})"
    return " ".join(out) + "."


def page(rng: random.Random, paragraphs: int = 50, sep: str = "\n\n") -> str:
    """5,000 words in ``paragraphs`` paragraphs, 200 of them links."""
    per = 5000 // paragraphs
    links = 200 // paragraphs
    return sep.join(paragraph(rng, per, links) for _ in range(paragraphs))


def change_words(rng: random.Random, text: str, n: int) -> str:
    words = text.split(" ")
    for _ in range(n):
        words[rng.randrange(len(words))] = rng.choice(WORDS).upper()
    return " ".join(words)


def move_paragraphs(rng: random.Random, text: str) -> str:
    parts = text.split("\n\n")
    del parts[rng.randrange(len(parts))]
    parts.insert(rng.randrange(len(parts)), paragraph(rng, 100, 4))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    rng = random.Random(4)
    text = page(rng)
    one_line = page(rng, paragraphs=1)
    cases = {
        "50 words changed": (text, change_words(rng, text, 50)),
        "paragraphs moved": (text, move_paragraphs(rng, text)),
        "one paragraph, 50 words changed": (one_line, change_words(rng, one_line, 50)),
        "one paragraph, 500 words changed": (one_line, change_words(rng, one_line, 500)),
        "one paragraph, all of it rewritten": (one_line, page(rng, paragraphs=1)),
    }
    print(f"{len(text.split())} words, {text.count('](')} links; median of {rounds} rounds")
    for name, (old, new) in cases.items():
        ms = median_ms(rounds, lambda old=old, new=new: diff_html(old, new))
        print(f"  {name:36} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
