"""Privacy-guard detector speed: 10,000 posts of realistic length, and posts of 2,000 characters.

    .venv/bin/python bench/privacy.py [--posts 10000]

Posts are bodies from the shared Stack Exchange corpus (cycled), each with one synthetic
identifying sentence mixed into every tenth, so both paths through the detector are timed.
Prints posts/s, p50/p99/max per post, and the same for posts cut or padded to 2,000 characters,
without and with an authority's list of 50 local terms.
Run by hand; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import privacy  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "forum_corpus.jsonl"
SPICE = "Jayden Walsh, aged 7, lives at 12 Mill Lane, WN3 5AB; NHS 943 476 5919."


def bodies() -> list[str]:
    if CORPUS.exists():
        return [json.loads(line)["body_markdown"] for line in CORPUS.read_text().splitlines() if line.strip()]
    return ["We talked about supervision and caseloads in our team meeting. " * 8]


# An authority's own list, as staff might keep it: schools, estates, two reference formats.
LOCAL_TERMS = tuple([(f"Oakfield {n} Primary School", "school") for n in range(30)]
                    + [(f"Hilltop {n} estate", "local_place") for n in range(18)]
                    + [("WG-######", "case_reference"), ("LAC/#####", "case_reference")])


def measure(texts: list[str], terms: tuple = ()) -> tuple[float, list[float]]:
    privacy.scan("warm up the name lists", terms)
    timings = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        privacy.scan(text, terms)
        timings.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - started, sorted(timings)


def report(label: str, texts: list[str], terms: tuple = ()) -> None:
    total, timings = measure(texts, terms)
    p99 = timings[int(len(timings) * 0.99) - 1]
    mean_len = statistics.mean(len(t) for t in texts)
    print(f"{label:<34} {len(texts):>6} posts, mean {mean_len:7.0f} chars: {len(texts) / total:8.0f} posts/s, "
          f"p50 {statistics.median(timings):.3f} ms, p99 {p99:.3f} ms, max {timings[-1]:.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    source = bodies()
    posts = [source[i % len(source)] + (f"\n\n{SPICE}" if i % 10 == 0 else "") for i in range(args.posts)]
    report("corpus posts", posts)
    sized = [(p * (2000 // max(1, len(p)) + 1))[:2000] for p in posts[:2000]]
    report("posts of exactly 2,000 characters", sized)
    report(f"2,000 chars + {len(LOCAL_TERMS)} local terms", sized, LOCAL_TERMS)
    # Hostile input, as a live check may receive it: 20,000 characters of one repeated shape.
    # Each should take tens of milliseconds, not seconds (the patterns must stay linear).
    for label, unit in (("postcodes", "M1 1AA "), ("school words", "High "), ("names and ages", "Jayden Walsh aged 7, "),
                        ("dates and names", "14/02/2019 Sarah Jones "), ("phones", "0161 496 0123 ")):
        text = (unit * (20_000 // len(unit) + 1))[:20_000]
        total, _ = measure([text], LOCAL_TERMS)
        print(f"hostile 20,000 chars of {label:<16} {total * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
