"""NLU quality on a held-out split of nlu_data/ (as typed, and with diacritics stripped),
plus /model/parse latency p50/p95 over 200 requests.

Run: .venv/bin/python benchmarks/nlu.py   (trains its own model on the 80 % split; ~3 min)
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.vietnamese import fold  # noqa: E402

RASA = str(ROOT / ".venv-rasa" / "bin" / "rasa")
WORK = ROOT / "var" / "bench-nlu"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "OMP_NUM_THREADS": "1",
       "TF_CPP_MIN_LOG_LEVEL": "2"}
PORT = "25105"


def rasa(*args: str) -> None:
    subprocess.run([RASA, *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def strip_diacritics(src: Path, dst: Path) -> None:
    """Copy of an NLU file whose examples are typed without diacritics."""
    lines = []
    for line in src.read_text(encoding="utf-8").splitlines():
        lines.append(re.sub(r"^(\s*- )(.*)$", lambda m: m.group(1) + fold(m.group(2)), line) if line.startswith("    - ") else line)
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")


def intent_scores(test_file: Path, model: Path, out: Path) -> tuple[float, float]:
    rasa("test", "nlu", "--nlu", str(test_file), "--model", str(model), "--out", str(out))
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return report["accuracy"], report["macro avg"]["f1-score"]


def parse_latency(model: Path, texts: list[str], requests: int = 200) -> tuple[float, float]:
    server = subprocess.Popen([RASA, "run", "--enable-api", "-m", str(model), "-p", PORT, "-i", "127.0.0.1"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/status", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        timings = []
        for i in range(requests):
            body = json.dumps({"text": texts[i % len(texts)]}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{PORT}/model/parse", data=body,
                                         headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            urllib.request.urlopen(req, timeout=10).read()
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        server.terminate()
        server.wait(30)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * len(timings))]


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    split = WORK / "split"
    rasa("data", "split", "nlu", "--nlu", "nlu_data/nlu.yml", "--training-fraction", "0.8",
         "--random-seed", "42", "--out", str(split))
    train, test = split / "training_data.yml", split / "test_data.yml"
    test_plain = split / "test_data_no_diacritics.yml"
    strip_diacritics(test, test_plain)
    started = time.perf_counter()
    rasa("train", "nlu", "--nlu", str(train), "--config", "config.yml", "--out", str(WORK / "models"),
         "--fixed-model-name", "nlu-bench")
    print(f"training on the 80 % split: {time.perf_counter() - started:.0f} s")
    model = WORK / "models" / "nlu-bench.tar.gz"
    examples = len(re.findall(r"^\s+- ", test.read_text(encoding="utf-8"), re.M))
    print(f"held-out examples: {examples}")
    for label, path in (("as typed", test), ("no diacritics", test_plain)):
        accuracy, macro_f1 = intent_scores(path, model, WORK / f"results-{label.replace(' ', '-')}")
        print(f"intent {label:<14} accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}")
    texts = [m.group(1) for m in re.finditer(r"^\s+- (.+)$", test_plain.read_text(encoding="utf-8"), re.M)]
    p50, p95 = parse_latency(model, [re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", t) for t in texts])
    print(f"/model/parse latency over 200 requests: p50 {p50:.1f} ms  p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
