"""Whole conversations through the running stack: does a citizen reach the right procedure within two turns?

Run: .venv/bin/python benchmarks/dialogue.py [--url http://127.0.0.1:8000] [--split dev test situations]
Each in-catalogue question of a split (benchmarks/search.py's dev and test files) opens a conversation
through the gateway's REST webhook; so does each of the multi-turn situation conversations
(data/situation_conversations.yml, development data). Turn 1: the bot answers a procedure (its reply
starts "<name> (mã <code>)"), asks a question about the situation, or offers options (buttons that send
a code). Turn 2, as a citizen would: the conversation's own typed reply to that situation question if
it has one, else a click on the option that is the right procedure, if one is offered. When options
were offered and none is right, the citizen says "không phải" and, if the right procedure is among the
next ones offered, clicks it: reached within three turns. Prints, per split, the share reached in one
turn, within two, within three, and the share answered outright with a wrong procedure (no right
option offered).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import SPLITS, load_questions  # noqa: E402
from stack import gateway  # noqa: E402

from knowledge.situations import situation_questions  # noqa: E402

CONVERSATIONS = Path(__file__).resolve().parent / "data" / "situation_conversations.yml"

ANSWERED = re.compile(r"\(mã ([0-9.]+)\)\s*$", re.MULTILINE)
OPTION = re.compile(r'"procedure_code": "([0-9.]+)"')
CONCURRENT = 8
REJECT = "không phải"  # what a citizen says when none of the options offered is right


def answered(replies: list[dict]) -> str | None:
    """The procedure the bot answered about: the code in its first reply's header line."""
    first = next((r.get("text") or "" for r in replies if r.get("text")), "")
    header = ANSWERED.search(first.split("\n", 1)[0])
    return header.group(1) if header else None


def options(replies: list[dict]) -> list[tuple[str, str]]:
    """(code, payload) of the procedure buttons offered."""
    return [(OPTION.search(b["payload"]).group(1), b["payload"])
            for r in replies for b in r.get("buttons") or [] if OPTION.search(b.get("payload") or "")]


def load_conversations() -> list[tuple[str, set[str], dict[str, str]]]:
    """(first message, right codes, typed replies by situation question id) of each conversation."""
    rows = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))
    if any(not isinstance(code, str) for row in rows for code in row["want"]):
        raise ValueError(f"{CONVERSATIONS.name}: quote every code (YAML reads 1.001570 as 1.00157)")
    return [(row["say"], set(row["want"]), row.get("replies") or {}) for row in rows]


def situation_asked(replies: list[dict]) -> str | None:
    """The id of the situation question the bot asked, if it asked one."""
    texts = {r.get("text") for r in replies}
    return next((q.id for q in situation_questions().values() if q.question in texts), None)


async def converse(client: httpx.AsyncClient, url: str, sender: str, question: str, expected: set[str],
                   typed: dict[str, str] | None = None) -> str:
    """'one', 'two', 'three', 'sure-wrong' (answered outright, wrongly, no right option) or 'missed'."""
    async def say(text: str) -> list[dict]:
        response = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                     timeout=60)
        response.raise_for_status()
        return response.json()

    first = await say(question)
    if answered(first) in expected:
        return "one"
    asked = situation_asked(first)
    if asked and asked in (typed or {}):
        return "two" if answered(await say(typed[asked])) in expected else "missed"
    right = [payload for code, payload in options(first) if code in expected]
    if right:
        return "two" if answered(await say(right[0])) in expected else "missed"
    if answered(first):
        return "sure-wrong"
    if options(first):  # none of the options is right: "không phải", then the next ones
        right = [payload for code, payload in options(await say(REJECT)) if code in expected]
        if right:
            return "three" if answered(await say(right[0])) in expected else "missed"
    return "missed"


async def run(url: str, split: str, show_misses: bool = False) -> None:
    conversations = load_conversations() if split == "situations" else \
        [(q, e, {}) for q, e in load_questions(SPLITS[split]) if e]
    limit = asyncio.Semaphore(CONCURRENT)
    async with httpx.AsyncClient() as client:
        async def one(i: int, question: str, expected: set[str], typed: dict[str, str]) -> str:
            async with limit:
                return await converse(client, url, f"dialogue-{split}-{i}-{time.time_ns()}", question, expected, typed)

        outcomes = await asyncio.gather(*(one(i, *conversation) for i, conversation in enumerate(conversations)))
    n = len(outcomes)
    one_turn, two_turns, three_turns = outcomes.count("one"), outcomes.count("two"), outcomes.count("three")
    print(f"{split}: {n} conversations — reached in one turn {one_turn / n:.3f}, within two "
          f"{(one_turn + two_turns) / n:.3f}, within three {(one_turn + two_turns + three_turns) / n:.3f}; "
          f"answered wrongly outright {outcomes.count('sure-wrong') / n:.3f}")
    if show_misses and split != "test":  # the test split's are not shown: nobody tunes on them
        for (question, *_), outcome in zip(conversations, outcomes):
            if outcome in ("missed", "sure-wrong"):
                print(f"  {outcome}: {question}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running gateway; without it the embedded stack is started")
    splits = [*sorted(SPLITS), "situations"]
    parser.add_argument("--split", nargs="+", choices=splits, default=splits)
    parser.add_argument("--show-misses", action="store_true", help="list the development splits' misses")
    args = parser.parse_args()
    if args.url:
        for split in args.split:
            asyncio.run(run(args.url, split, args.show_misses))
        return
    with gateway() as url:
        for split in args.split:
            asyncio.run(run(url, split, args.show_misses))


if __name__ == "__main__":
    main()
