"""Whole conversations through the running stack: does a citizen reach the right procedure within two turns,
and are the questions of a whole citizen conversation answered?

Run: .venv/bin/python benchmarks/dialogue.py [--url http://127.0.0.1:8000] [--split dev test situations conversations]
                                             [--conversations-file data/citizen_conversations.yml] [--verbose]
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

The `conversations` split (data/citizen_conversations.yml, development data) plays multi-turn citizen
conversations turn by turn, each in a conversation issued by the gateway (its token sent with every
message). A turn says a text or presses the N-th button of the last replies (the N-th procedure option
when options were offered, else the N-th button). When the bot asks back (buttons, no procedure header)
and the turn has a typed `reply`, the citizen types it and the turn is judged on the answer to that.
A turn's expectations: `want`, the answer is about one of these codes (the first reply's header
"(mã X)"; when options are offered with a right one among them, the citizen presses it and the turn is
judged on that — unless the script's next turn presses a button itself: then offering it is right);
a turn without `want` keeps the latest one, and an answer about another procedure is wrong;
`expect_any`, the reply texts contain one of the phrases (without diacritics, lowercase); `yes_no`, the
first reply's text starts with that word, possibly after the header line. Prints the share of
conversations fully right, of judged turns right, both per pattern, the turns answered "chưa hiểu" or
with an apology; --verbose lists the failed turns.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import SPLITS, load_questions  # noqa: E402
from stack import gateway  # noqa: E402

from knowledge.situations import situation_questions  # noqa: E402

CONVERSATIONS = Path(__file__).resolve().parent / "data" / "situation_conversations.yml"
CITIZEN_CONVERSATIONS = Path(__file__).resolve().parent / "data" / "citizen_conversations.yml"

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


# --- multi-turn citizen conversations (the `conversations` split) -----------------------------------

HEADER = re.compile(r"\(mã ([^\s;)]+)(?:;[^)]*)?\)\s*$")  # "<name> (mã X)" or "(mã X; thủ tục riêng của …)"
CHOICE = re.compile(r'^/ask_procedure\{"procedure_code": "([^"]+)"\}$')
CITIZEN_CONCURRENT = 3
SHOWN = 120


def fold(text: str) -> str:
    """Lowercase, no diacritics, spaces squeezed ("Công an cấp xã" -> "cong an cap xa")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").lower().split())


def first_text(replies: list[dict]) -> str:
    return next((r.get("text") or "" for r in replies if (r.get("text") or "").strip()), "")


def header_code(replies: list[dict]) -> str | None:
    """The procedure answered: the code in the header line of the first reply's text."""
    match = HEADER.search(first_text(replies).split("\n", 1)[0])
    return match.group(1) if match else None


def choices(replies: list[dict]) -> list[tuple[str, str]]:
    """(code, payload) of the procedure buttons offered, in order."""
    return [(m.group(1), b["payload"]) for r in replies for b in r.get("buttons") or []
            if (m := CHOICE.match((b.get("payload") or "").strip()))]


def starts_with_word(replies: list[dict], word: str) -> bool:
    """The first reply's text starts with ``word`` (folded, a whole word), possibly after its header line."""
    lines = [line for line in first_text(replies).split("\n") if line.strip()]
    if lines and HEADER.search(lines[0]):
        lines = lines[1:]
    said = fold(lines[0]).lstrip("•-–*:. ") if lines else ""
    return re.match(rf"{re.escape(fold(word))}\b", said) is not None


def load_citizen_conversations(path: Path) -> list[dict]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in rows:
        for i, turn in enumerate(row["turns"], 1):
            if ("say" in turn) == ("press" in turn):
                raise ValueError(f"{path.name}: {row['id']} turn {i}: one of say/press")
            if any(not isinstance(code, str) for code in turn.get("want") or []):
                raise ValueError(f"{path.name}: {row['id']} turn {i}: quote every code (YAML reads 1.001570 as 1.00157)")
    return rows


@dataclass
class TurnOutcome:
    conversation: str
    number: int  # 1-based, in the script
    said: str  # what the citizen said (the typed reply and presses added)
    replies: list[dict]
    judged: bool  # it had expectations
    failures: list[str] = field(default_factory=list)  # what was expected and not met

    @property
    def right(self) -> bool:
        return not self.failures

    def text(self) -> str:
        return " | ".join((r.get("text") or "").replace("\n", " ⏎ ") for r in self.replies)


def judge_turn(turn: dict, want: set[str], inherited: bool, replies: list[dict]) -> list[str]:
    failures = []
    code = header_code(replies)
    if want and not inherited and code not in want:
        failures.append(f"want {sorted(want)}, got {code or 'no procedure header'}")
    elif want and inherited and code and code not in want:
        failures.append(f"stays on {sorted(want)}, switched to {code}")
    if turn.get("expect_any"):
        texts = fold(" ".join(r.get("text") or "" for r in replies))
        if not any(fold(phrase) in texts for phrase in turn["expect_any"]):
            failures.append(f"expect_any {turn['expect_any']}")
    if turn.get("yes_no") and not starts_with_word(replies, turn["yes_no"]):
        failures.append(f"yes_no {turn['yes_no']!r}")
    return failures


async def play_citizen(client: httpx.AsyncClient, url: str, row: dict) -> list[TurnOutcome]:
    """Play one scripted conversation in a gateway-issued conversation; one outcome per turn."""
    response = await client.post(f"{url}/webhooks/rest/conversations", json={"device": "web"}, timeout=60)
    response.raise_for_status()
    issued = response.json()

    async def say(text: str) -> list[dict]:
        answer = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": issued["sender"], "message": text},
                                   headers={"X-Conversation-Token": issued["token"]}, timeout=60)
        if answer.status_code != 200:
            return [{"text": f"<HTTP {answer.status_code}>", "http_error": True}]
        return answer.json()

    outcomes: list[TurnOutcome] = []
    last: list[dict] = []
    want: set[str] = set()
    turns = row["turns"]
    for number, turn in enumerate(turns, 1):
        inherited = "want" not in turn
        if not inherited:
            want = set(turn["want"])
        if "press" in turn:
            n = int(turn["press"])
            offered = [payload for _, payload in choices(last)] or \
                [b.get("payload") or "" for r in last for b in r.get("buttons") or []]
            if not 1 <= n <= len(offered):
                outcomes.append(TurnOutcome(row["id"], number, f"[press {n}]", last, True,
                                            [f"press {n}: only {len(offered)} button(s) offered"]))
                continue
            said = f"[press {n}: {offered[n - 1]}]"
            last = await say(offered[n - 1])
        else:
            said = turn["say"]
            last = await say(said)
            if turn.get("reply") and not header_code(last) and any(r.get("buttons") for r in last):
                said += f" ⇒ asked back, typed “{turn['reply']}”"
                last = await say(turn["reply"])
        next_presses = number < len(turns) and "press" in turns[number]
        if want and not header_code(last) and not next_presses and (not inherited or "press" in turn):
            right = [payload for code, payload in choices(last) if code in want]
            if right:
                said += f" ⇒ [pressed the right option {right[0]}]"
                last = await say(right[0])
        judged = bool(set(turn) & {"want", "expect_any", "yes_no"})
        if next_presses and not inherited and not header_code(last) and any(code in want for code, _ in choices(last)):
            failures = judge_turn({**turn, "want": None}, set(), False, last)  # offering the right option is right
        else:
            failures = judge_turn(turn, want, inherited, last) if judged else []
        if any(r.get("http_error") for r in last):
            failures.append("HTTP error")
        outcomes.append(TurnOutcome(row["id"], number, said, last, judged or bool(failures), failures))
    return outcomes


def kinds_of(outcome: TurnOutcome) -> set[str]:
    texts = [fold(r.get("text") or "") for r in outcome.replies]
    kinds = set()
    if any("chua hieu" in t for t in texts):
        kinds.add("chưa hiểu")
    if any("he thong dang ban" in t for t in texts):
        kinds.add("busy apology")
    elif any("xin loi" in t for t in texts):
        kinds.add("other apology")
    return kinds


async def run_citizen(url: str, path: Path, verbose: bool = False) -> None:
    rows = load_citizen_conversations(path)
    limit = asyncio.Semaphore(CITIZEN_CONCURRENT)
    async with httpx.AsyncClient() as client:
        async def one(row: dict) -> list[TurnOutcome]:
            async with limit:
                return await play_citizen(client, url, row)

        played = await asyncio.gather(*(one(row) for row in rows))
    fully = [all(t.right for t in outcomes) for outcomes in played]
    judged = [t for outcomes in played for t in outcomes if t.judged]
    every = [t for outcomes in played for t in outcomes]
    n = len(rows)
    print(f"conversations ({path.name}): {n} conversations, {len(every)} turns ({len(judged)} judged) — "
          f"fully right {sum(fully) / n:.3f} ({sum(fully)}/{n}); turns right "
          f"{sum(t.right for t in judged) / max(1, len(judged)):.3f} ({sum(t.right for t in judged)}/{len(judged)})")
    patterns = sorted({p for row in rows for p in row.get("patterns") or []})
    print(f"  {'pattern':<16} {'convs':>5} {'fully right':>11} {'turns right':>11}")
    for pattern in patterns:
        ids = [i for i, row in enumerate(rows) if pattern in (row.get("patterns") or [])]
        turns = [t for i in ids for t in played[i] if t.judged]
        print(f"  {pattern:<16} {len(ids):>5} {sum(fully[i] for i in ids) / len(ids):>11.3f} "
              f"{sum(t.right for t in turns) / max(1, len(turns)):>11.3f}")
    kinds = Counter(k for t in every for k in kinds_of(t))
    print("  turns answered: " + ", ".join(f"{kind} {kinds[kind]}" for kind in ("chưa hiểu", "busy apology", "other apology"))
          + f" (of {len(every)})")
    failed = Counter(f.split(" ")[0] for t in judged for f in t.failures)
    print("  failed expectations: " + ", ".join(f"{k} {v}" for k, v in failed.most_common()))
    if verbose:
        print("  failed turns:")
        for t in every:
            if t.failures:
                print(f"    {t.conversation} turn {t.number}: {t.said}\n      expected: {'; '.join(t.failures)}"
                      f"\n      said: {t.text()[:SHOWN]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running gateway; without it the embedded stack is started")
    splits = [*sorted(SPLITS), "situations", "conversations"]
    parser.add_argument("--split", nargs="+", choices=splits, default=splits)
    parser.add_argument("--show-misses", action="store_true", help="list the development splits' misses")
    parser.add_argument("--conversations-file", type=Path, default=CITIZEN_CONVERSATIONS,
                        help="the conversations split's scripts")
    parser.add_argument("--verbose", action="store_true", help="list the conversations split's failed turns")
    args = parser.parse_args()

    def play(url: str) -> None:
        for split in args.split:
            if split == "conversations":
                asyncio.run(run_citizen(url, args.conversations_file, args.verbose))
            else:
                asyncio.run(run(url, split, args.show_misses))

    if args.url:
        play(args.url)
        return
    with gateway() as url:
        play(url)


if __name__ == "__main__":
    main()
