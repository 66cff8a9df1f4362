"""Time of the two scanners every message goes through, on hostile input of 10k/100k/200k characters
(200,000 is the gateway's message limit): ``clean_text`` (markup) and ``mask_pii`` (personal data).
Both must grow linearly; the tag pattern they replaced is timed beside them for comparison.

    .venv/bin/python benchmarks/text_scanning.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.vietnamese import clean_text  # noqa: E402
from common.privacy import mask_pii  # noqa: E402

SIZES = (10_000, 100_000, 200_000)
# Each repeated to the size: markup, digit groups with every separator (one run of 100,000 groups), a
# code's letters glued to digits, full-width digits, digits read out in words, name cues, addresses.
HOSTILE = ("<", "<script", "1.", "1 ", "1/", "1a/", "１_", "0912 ", "H1-", "a1", "a.", "không ", "số 1 ", "tên là An ",
           "tên là nguyễn ")
OLD_TAG_RE = re.compile(r"<[^>]*>")  # before: each "<" scanned to the end of the text


def seconds(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'scanner':<12} {'input':<12}" + "".join(f"{n:>10,}" for n in SIZES))
    for name, function in (("clean_text", clean_text), ("mask_pii", mask_pii)):
        for unit in HOSTILE:
            times = [seconds(function, unit * (n // len(unit))) for n in SIZES]
            print(f"{name:<12} {unit!r:<12}" + "".join(f"{t:>9.3f}s" for t in times))
    for n in SIZES[:2]:  # 200k would take ~25 s
        print(f"{'old tag re':<12} {'<':<12} {n:>10,}: {seconds(lambda t: OLD_TAG_RE.sub(' ', t), '<' * n):.3f}s")


if __name__ == "__main__":
    main()
