"""Concurrent conversations through the gateway: turns per second, latency percentiles, errors.

Run: .venv/bin/python benchmarks/load.py [--conversations 20 100] [--turns 10] [--url http://127.0.0.1:8000]
                                         [--topology embedded|replicated] [--rasa-workers 1 2]
Without --url it starts the stack itself (on spare ports, a temporary VAR_DIR) and stops it: the embedded
one (`make run`; once for each --rasa-workers count, so they compare in one run) or the replicated one
(`make run-replicas`: PostgreSQL, Redis, 2 of each, nginx).
Each conversation plays a citizen: a greeting, procedure questions, follow-ups, small talk, or a form.
A turn is an error when the gateway answers non-200 or with its "busy" apology.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import gateway  # noqa: E402

APOLOGY = "hệ thống đang bận"
SCRIPTS = [
    ["xin chào", "lam giay khai sinh cho con", "can giay to gi", "le phi bao nhieu", "mat bao lau", "nop o dau",
     "cảm ơn", "đăng ký tạm trú", "nộp trực tuyến được không", "tạm biệt"],
    ["chào bạn", "doi gplx", "co nop online duoc ko", "ban la ai", "dang ky ket hon", "thế còn lệ phí?",
     "cần điều kiện gì", "lam cccd o dau", "mất mấy ngày", "cảm ơn nhiều"],
    ["alo", "mở quán cà phê thì đăng ký kinh doanh ra sao", "hết bao nhiêu tiền", "các bước làm thế nào",
     "xin giay doc than", "mat phi ko", "nhap hk cho con", "cần mang theo những gì", "kết quả nhận được là gì", "ok"],
    ["chào", "điền tờ khai đăng ký tạm trú", "Trần Thị Mai", "12/12/1992", "nữ", "001192012345", "0912345678",
     "xem lại", "hủy", "cảm ơn"],  # a dossier form (anonymous: nothing is kept)
]


async def converse(client: httpx.AsyncClient, url: str, sender: str, turns: list[str],
                   timings: list[float], errors: list[str]) -> None:
    for text in turns:
        started = time.perf_counter()
        try:
            response = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                         timeout=30)
            body = response.json() if response.status_code == 200 else []
            if response.status_code != 200 or any(APOLOGY in (m.get("text") or "") for m in body):
                errors.append(f"{response.status_code} {text}")
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__} {text}")
        timings.append((time.perf_counter() - started) * 1000)


async def load(url: str, conversations: int, turns: int) -> None:
    timings: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(limits=limits) as client:
        await converse(client, url, "warm-up", SCRIPTS[0][:2], [], [])
        started = time.perf_counter()
        await asyncio.gather(*(
            converse(client, url, f"load-{i}-{time.time_ns()}", (SCRIPTS[i % len(SCRIPTS)] * 2)[:turns], timings, errors)
            for i in range(conversations)
        ))
        elapsed = time.perf_counter() - started
    timings.sort()

    def pct(q: float) -> float:
        return timings[min(len(timings) - 1, int(q * len(timings)))]

    print(f"{conversations} conversations x {turns} turns: {len(timings) / elapsed:.1f} turns/s, "
          f"p50 {statistics.median(timings):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"errors {len(errors)}" + (f" (e.g. {errors[0]})" if errors else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--url", help="a running gateway; without it the stack is started")
    parser.add_argument("--topology", choices=["embedded", "replicated"], default="embedded")
    parser.add_argument("--rasa-workers", type=int, nargs="+", help="embedded: Rasa workers (default: make run's)")
    args = parser.parse_args()
    if args.url:
        for conversations in args.conversations:
            asyncio.run(load(args.url, conversations, args.turns))
        return
    for workers in args.rasa_workers or [None]:
        with gateway(args.topology, workers) as url:
            for conversations in args.conversations:
                asyncio.run(load(url, conversations, args.turns))

if __name__ == "__main__":
    main()
