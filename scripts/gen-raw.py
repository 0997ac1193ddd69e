#!/usr/bin/env python3
"""Writes a synthetic corpus of raw insight files for benchmarking `brief import`.

usage: gen-raw.py OUT_DIR [INSIGHT_LINES=10000]

Files look like the seeds: boilerplate, ~11 insight lines each, a `Related
Insights` section in one file of three, dated names (one file per day). A
quarter of the lines repeat an earlier insight word for word and one in fifty
is a near duplicate (one word changed), as scanning services deliver them.
Deterministic: the same arguments give the same files.
"""
import os
import random
import sys
from datetime import date, timedelta

COMMON = ("the of and to in a is that for on with as by its from at this china us ai "
          "chips models open source cost price export controls huawei nvidia energy "
          "market strategy domestic global advantage tokens inference").split()


def sentence(rng, vocab):
    words = [rng.choice(COMMON if rng.random() < 0.45 else vocab) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def insight(rng, vocab):
    return " ".join(sentence(rng, vocab) for _ in range(rng.randint(2, 4)))


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(42)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(5000)]
    os.makedirs(out, exist_ok=True)
    seen, written, day = [], 0, date(2026, 1, 1)
    while written < total:
        lines = []
        for _ in range(min(11, total - written)):
            roll = rng.random()
            if seen and roll < 0.25:
                text = rng.choice(seen)
            elif seen and roll < 0.27:
                words = rng.choice(seen).split(" ")
                words[rng.randrange(len(words))] = rng.choice(vocab)
                text = " ".join(words)
            else:
                text = insight(rng, vocab)
                seen.append(text)
            lines.append(text)
            written += 1
        body = ["Get your free personalized podcast brief", "",
                "We scan new podcasts and send you the top 5 insights daily.", ""]
        if written % 3 == 0 and len(lines) > 2:
            body += [lines[0], "", "Related Insights", ""] + [x for l in lines[1:] for x in (l, "")]
        else:
            body += lines
        name = f"{day.isoformat()}_{written:06d}.txt"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write("\n".join(body).rstrip("\n"))
        day += timedelta(days=1)
    print(f"wrote {total} insight lines into {out}")


if __name__ == "__main__":
    main()
