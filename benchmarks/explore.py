"""A conversation explorer: press every button the bot offers and ask every follow-up, through the running stack.

Run: .venv/bin/python benchmarks/explore.py [--limit 24] [--depth 3] [--concurrency 2]
                                            [--url http://127.0.0.1:8000 --var-dir var]
Without --url it starts the embedded stack itself (benchmarks/stack.py: spare ports, a temporary VAR_DIR).

Starting messages (--limit takes the first N; 0 = all): every life event's own trigger
(knowledge/data/life_events.yml), then, alternately, the first turns of the situation conversations
(data/situation_conversations.yml) and the names of the life events' steps, each list taken evenly spaced.

Each start opens a conversation through the gateway's REST contract (a conversation token, then
messages). Breadth-first, every button offered is pressed, up to --depth presses after the start;
every path is replayed in its own fresh conversation (the bot's state is the path's, nothing shared).
Wherever the bot answers a procedure (its first reply starts "<name> (mã <code>)"), the citizen also asks
each aspect ("cần giấy tờ gì", "lệ phí bao nhiêu"…) and one yes/no question closed by "ko", one after the
other in one conversation (a fresh replay of the path after any reply that is not a plain answer about
the same procedure, so each is asked right after the answer); a question asked back then (buttons and no
procedure header) has its choices pressed too, within the depth. Wherever the bot asks a question with
procedure buttons (a situation, a case, a life event's checklist), the citizen also first asks
"cần giấy tờ gì" and then presses each choice offered (the pending aspect, issue 31's crash). Buttons that
send an aspect are not pressed: the aspect questions ask them. A reply already explored (same texts, same
buttons) is not explored again from another path, and each start probes a procedure's aspects once.

Counted, per kind, with up to 5 examples (the path of messages that led there):
  busy-apology   "Xin lỗi, hệ thống đang bận…" (the gateway's apology when the core failed or took over
                 its 4.5 s budget; each example says which)
  other-apology  any other reply saying "Xin lỗi" (but the one to the "Chưa đúng" rating button)
  chua-hieu      a reply saying "chưa hiểu"
  empty          a turn with no reply, or a message with no text
  one-option     a message offering a single procedure to choose
  switch         an aspect follow-up (or a button sending an intent, not a choice: "Xem đầy đủ") answered about
                 another procedure
  wrong-choice   a pressed procedure button answered about another procedure
  http-error     a turn the gateway did not answer with 200
  exception      action-server Tracebacks and ERROR lines (its log under VAR_DIR/logs; --var-dir with --url),
                 each shown with the paths whose turns were in flight when it was written
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(ROOT))

SITUATIONS = BENCHMARKS / "data" / "situation_conversations.yml"
LIFE_EVENTS = ROOT / "knowledge" / "data" / "life_events.yml"

ASPECTS = ["cần giấy tờ gì", "lệ phí bao nhiêu", "mất bao lâu", "nộp ở đâu", "các bước thế nào",
           "nộp online được không", "căn cứ pháp lý", "kết quả là gì", "điều kiện gì"]
YES_NO = "có phải mang bản chính ko"
PENDING_ASPECT = "cần giấy tờ gì"  # asked while a question is pending, before the citizen chooses
# Buttons whose payload is one of these texts ask an aspect: the aspect questions cover them.
ASPECT_PAYLOADS = {"cần giấy tờ gì", "lệ phí bao nhiêu", "mất bao lâu", "nộp ở đâu", "nộp trực tuyến được không"}
RATING_PREFIX = "/give_feedback"
HANDOVER_PAYLOAD = "cho tôi gặp cán bộ"
CHOICE = re.compile(r'^/ask_procedure\{"procedure_code": "([^"]+)"\}$')
HEADER = re.compile(r"\(mã ([^\s;)]+)(?:;[^)]*)?\)\s*$")  # a procedure answer's first line ends so
MENTIONED = re.compile(r"\(mã ([^\s;)]+)")  # "(mã X) — Lệ phí (tiếp theo):" names X too
BUSY = "he thong dang ban"
KINDS = ["busy-apology", "other-apology", "chua-hieu", "empty", "one-option", "switch", "wrong-choice",
         "http-error", "exception"]
EXAMPLES = 5
TIMEOUT_S = 60


def fold(text: str) -> str:
    """Lowercase, no diacritics ("Xin lỗi" -> "xin loi")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def first_text(replies: list[dict]) -> str:
    return next((r.get("text") or "" for r in replies if (r.get("text") or "").strip()), "")


def header_code(replies: list[dict]) -> str | None:
    """The procedure a reply answers: the code in its first text's header line."""
    match = HEADER.search(first_text(replies).split("\n", 1)[0])
    return match.group(1) if match else None


def mentioned_code(replies: list[dict]) -> str | None:
    """The procedure the first line names, answer or continuation ("(mã X) — … (tiếp theo):")."""
    match = MENTIONED.search(first_text(replies).split("\n", 1)[0])
    return match.group(1) if match else None


def choice_code(payload: str) -> str | None:
    match = CHOICE.match(payload.strip())
    return match.group(1) if match else None


def signature(replies: list[dict]) -> str:
    return json.dumps([[r.get("text"), [b.get("payload") for b in r.get("buttons") or []]] for r in replies],
                      ensure_ascii=False)


# --- starting messages -----------------------------------------------------------------------------------

def spread(items: list[str], n: int) -> list[str]:
    """``n`` items evenly spaced over ``items`` (all of them when n >= len)."""
    if n >= len(items):
        return list(items)
    return [items[round(i * len(items) / n)] for i in range(n)]


def life_event_triggers() -> list[str]:
    """One message per life event that the event's own phrases trigger ("người mất thì cần làm thủ tục gì")."""
    from knowledge.life_events import life_event_in

    events = yaml.safe_load(LIFE_EVENTS.read_text(encoding="utf-8"))
    triggers = []
    for event in events:
        said = [f"{phrase} thì cần làm thủ tục gì" for phrase in event["phrases"]]
        triggers.append(next((s for s in said if (e := life_event_in(s)) and e.id == event["id"]), said[0]))
    return triggers


def starting_messages(limit: int = 0) -> list[str]:
    """Every life event's trigger, then situation first turns and step names alternately, each list evenly
    spaced (``limit`` 0: all of them)."""
    events = yaml.safe_load(LIFE_EVENTS.read_text(encoding="utf-8"))
    labels = list(dict.fromkeys(step["label"] for event in events for step in event["steps"]))
    firsts = list(dict.fromkeys(row["say"] for row in yaml.safe_load(SITUATIONS.read_text(encoding="utf-8"))))
    starts = life_event_triggers()
    rest = max(0, (limit or len(starts) + len(firsts) + len(labels)) - len(starts))
    half = (rest + 1) // 2
    chosen_firsts, chosen_labels = spread(firsts, half), spread(labels, rest - half)
    mixed = [s for pair in zip(chosen_firsts, chosen_labels) for s in pair]
    mixed += chosen_firsts[len(chosen_labels):] + chosen_labels[len(chosen_firsts):]
    mixed += [s for s in firsts + labels if s not in mixed]  # to fill in for duplicates
    chosen: dict[str, str] = {}
    for message in starts + mixed:
        chosen.setdefault(fold(message), message)
    return list(chosen.values())[:limit or None]


# --- conversations ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One message of a path: typed text, or a button (its payload sent, its title shown)."""

    text: str
    button: str | None = None  # the button's title when pressed

    def __str__(self) -> str:
        return f"[{self.button}]" if self.button is not None else f"“{self.text}”"


def render(path: tuple[Step, ...]) -> str:
    return " → ".join(map(str, path))


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    turns: int = 0
    conversations: int = 0
    latencies: list[float] = field(default_factory=list)
    procedures: set[str] = field(default_factory=set)
    starts: int = 0
    seconds: float = 0.0
    exception_lines: Counter = field(default_factory=Counter)
    rasa_errors: int = 0
    log_read: bool = False
    windows: list[tuple[float, float, tuple[Step, ...]]] = field(default_factory=list)
    replies: dict[str, Counter] = field(default_factory=dict)  # per kind: how the replies began
    latency: dict[tuple[Step, ...], float] = field(default_factory=dict)  # the last turn of each path, seconds

    def note(self, kind: str, path: tuple[Step, ...], replies: list[dict] | str, count: bool = True,
             suffix: str = "") -> None:
        """Count a finding; keep the path as an example unless one with the same reply is kept already."""
        self.counts[kind] += count
        said = replies if isinstance(replies, str) else " | ".join(
            (r.get("text") or "<no text>").replace("\n", " ⏎ ") for r in replies) or "<no reply>"
        said = said[:160 - len(suffix)] + suffix
        self.replies.setdefault(kind, Counter())[said[:70]] += 1
        shown = self.examples.setdefault(kind, [])
        example = f"{render(path)}\n      ⇒ {said[:160]}"
        seen = example in shown if kind == "exception" else any(said[:70] in e for e in shown)  # paths in flight
        if len(shown) < EXAMPLES and not seen:
            shown.append(example)

    def format(self) -> str:
        p50 = statistics.median(self.latencies) if self.latencies else 0.0
        p90 = statistics.quantiles(self.latencies, n=10)[-1] if len(self.latencies) >= 10 else max(self.latencies or [0])
        lines = [f"{self.starts} starts, {self.conversations} conversations, {self.turns} turns, "
                 f"{len(self.procedures)} procedures answered; turn p50 {p50:.2f} s, p90 {p90:.2f} s; "
                 f"{self.seconds:.0f} s", "", f"{'kind':<15} {'count':>6}"]
        for kind in KINDS:
            value = str(self.counts[kind]) if kind != "exception" or self.log_read else "n/a (no --var-dir)"
            lines.append(f"{kind:<15} {value:>6}")
        if self.log_read:
            lines.append(f"(Rasa's log: {self.rasa_errors} ERROR lines besides its button-payload interpolation noise)")
        for kind in KINDS:
            if self.examples.get(kind):
                lines += ["", f"{kind} (examples, one per distinct reply):"] + [f"  - {e}" for e in self.examples[kind]]
                if kind != "exception" and len(self.replies[kind]) > 1:
                    lines += ["    replies, by how they begin:"] + [
                        f"    {n:>5} × {begin}" for begin, n in self.replies[kind].most_common(8)]
        if self.exception_lines:
            lines += ["", "exception lines (action server):"]
            lines += [f"  {n} × {line[:200]}" for line, n in self.exception_lines.most_common(10)]
        return "\n".join(lines)


class Explorer:
    def __init__(self, url: str, depth: int, concurrency: int, skip: tuple[str, ...] = ()):
        self.url, self.depth = url.rstrip("/"), depth
        self.limit = asyncio.Semaphore(concurrency)
        self.skip = skip  # payload prefixes never pressed (e.g. ratings, handover in the test suite)
        self.report = Report()
        self.expanded: set[tuple[str, str]] = set()  # (reply signature, payload) already pressed
        self.probed: set[tuple[str, str]] = set()  # (start, code) whose aspects were asked
        self.client: httpx.AsyncClient | None = None

    async def open(self) -> tuple[str, str]:
        response = await self.client.post(f"{self.url}/webhooks/rest/conversations", json={"device": "web"},
                                          timeout=TIMEOUT_S)
        response.raise_for_status()
        self.report.conversations += 1
        body = response.json()
        return body["sender"], body["token"]

    async def say(self, conversation: tuple[str, str], text: str, path: tuple[Step, ...]) -> list[dict] | None:
        """The replies to one message (None, counted, when the gateway did not answer 200)."""
        sender, token = conversation
        started = time.time()
        try:
            response = await self.client.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                              headers={"X-Conversation-Token": token}, timeout=TIMEOUT_S)
            status = response.status_code
        except httpx.HTTPError as exc:
            status, response = type(exc).__name__, None
        ended = time.time()
        self.report.turns += 1
        self.report.latencies.append(ended - started)
        self.report.windows.append((started, ended, path))
        self.report.latency[path] = ended - started
        if status != 200:
            self.report.note("http-error", path, f"HTTP {status}")
            return None
        return response.json()

    async def replay(self, path: tuple[Step, ...]) -> tuple[tuple[str, str], list[dict] | None]:
        """A fresh conversation that has said ``path``: (conversation, the replies to its last message)."""
        conversation = await self.open()
        replies: list[dict] | None = []
        for i, step in enumerate(path):
            replies = await self.say(conversation, step.text, path[:i + 1])
            if replies is None:
                break
        return conversation, replies

    def judge(self, path: tuple[Step, ...], replies: list[dict], current: str | None, follow_up: bool) -> None:
        """Count what is wrong with the replies to ``path``'s last message (``current``: the procedure the
        conversation was about before it; ``follow_up``: the message asks about that procedure)."""
        texts = [r.get("text") or "" for r in replies]
        folded = [fold(t) for t in texts]
        if not replies or any(not t.strip() and not r.get("image") and not r.get("custom")
                              for t, r in zip(texts, replies)):
            self.report.note("empty", path, replies)
        rated = path[-1].text.startswith(RATING_PREFIX)  # "Chưa đúng" pressed: the apology was asked for
        if any(BUSY in t for t in folded):
            # slow (the gateway's budget for a turn, connectors.settings.core_timeout_s, is 4.5 s) or failed
            seconds = self.report.latency.get(path, 0.0)
            self.report.note("busy-apology", path, replies,
                             suffix=f" [{seconds:.1f} s: {'timed out' if seconds >= 4 else 'the core failed'}]")
        elif any("xin loi" in t for t in folded) and not rated:
            self.report.note("other-apology", path, replies)
        if any("chua hieu" in t for t in folded):
            self.report.note("chua-hieu", path, replies)
        single = [r for r in replies if sum(1 for b in r.get("buttons") or [] if choice_code(b.get("payload") or "")) == 1]
        if single:
            self.report.note("one-option", path, single)  # the message offering it
        last = path[-1]
        chosen = choice_code(last.text) if last.button is not None else None
        answered = mentioned_code(replies)
        if chosen and header_code(replies) and header_code(replies) != chosen:
            self.report.note("wrong-choice", path, replies)
        elif follow_up and current and answered and answered != current:
            self.report.note("switch", path, replies)
        if header_code(replies):
            self.report.procedures.add(header_code(replies))

    def children(self, path: tuple[Step, ...], replies: list[dict], presses: int,
                 choices_only: bool = False) -> list[tuple[tuple[Step, ...], int]]:
        """The button presses to explore after ``path`` (within the depth, each reply/button pair once)."""
        if presses >= self.depth:
            return []
        found = []
        sign = signature(replies)
        for reply in replies:
            for button in reply.get("buttons") or []:
                payload = button.get("payload") or ""
                if payload in ASPECT_PAYLOADS or any(payload.startswith(s) for s in self.skip):
                    continue
                if choices_only and not choice_code(payload):
                    continue
                if (sign, payload) in self.expanded:
                    continue
                self.expanded.add((sign, payload))
                found.append((path + (Step(payload, button.get("title") or payload),), presses + 1))
        return found

    async def press(self, path: tuple[Step, ...], presses: int, current: str | None) -> list:
        """Play ``path`` in a fresh conversation, judge its last turn; the next jobs."""
        async with self.limit:
            _, replies = await self.replay(path)
        if replies is None:
            return []
        last = path[-1]
        # a button sending an intent of its own ("Xem đầy đủ") stays on the procedure; one sending a choice or a
        # text (a greeting's or a fallback's example question) may name another
        self.judge(path, replies, current, follow_up=len(path) > 1 and last.text.startswith("/") and not choice_code(last.text))
        code = header_code(replies) or (current if not choice_code(last.text) else None)
        jobs: list = [("press", child, n, code, None) for child, n in self.children(path, replies, presses)]
        if header_code(replies) and (path[0].text, header_code(replies)) not in self.probed:
            self.probed.add((path[0].text, header_code(replies)))
            jobs.append(("probe", path, presses, header_code(replies), [*ASPECTS, YES_NO]))
        elif (not header_code(replies) and presses < self.depth and (PENDING_ASPECT, signature(replies)) not in self.probed
              and any(choice_code(b.get("payload") or "") for r in replies for b in r.get("buttons") or [])):
            # a question asked (a situation, a case, a checklist): the citizen asks an aspect first
            self.probed.add((PENDING_ASPECT, signature(replies)))
            jobs.append(("probe", path, presses, None, [PENDING_ASPECT]))
        return jobs

    async def probe(self, path: tuple[Step, ...], presses: int, code: str | None, questions: list[str]) -> list:
        """Ask ``questions`` one after the other right after ``path``'s reply (an answer about ``code``, or,
        with ``code`` None, a question asked back); a question asked back then has its choices pressed."""
        jobs: list = []
        async with self.limit:
            conversation = None
            for question in questions:
                if conversation is None:
                    conversation, replies = await self.replay(path)
                    if replies is None or header_code(replies) != code:
                        return jobs  # the path no longer leads there (counted on its own turn)
                asked = path + (Step(question),)
                replies = await self.say(conversation, question, asked)
                if replies is None:
                    conversation = None
                    continue
                self.judge(asked, replies, code, follow_up=code is not None)
                if header_code(replies) != code or code is None:
                    conversation = None  # the next question right after the answer again
                    if not header_code(replies):  # asked back: press its choices
                        jobs += [("press", child, n, code, None)
                                 for child, n in self.children(asked, replies, presses, choices_only=True)]
        return jobs

    async def run(self, starts: list[str]) -> Report:
        began = time.time()
        self.report.starts = len(starts)
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=8)) as client:
            self.client = client
            level: list = [("press", (Step(s),), 0, None, None) for s in starts]
            while level:
                results = await asyncio.gather(*(
                    self.press(path, presses, code) if kind == "press" else self.probe(path, presses, code, questions)
                    for kind, path, presses, code, questions in level))
                level = [job for jobs in results for job in jobs]
        self.report.seconds = time.time() - began
        return self.report


# --- the action server's log --------------------------------------------------------------------------

TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+([A-Z]+)\b")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit)\b.*)$")


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


async def watch(log: Path, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    """The log's size every quarter second: when each of its lines was written, to the turns in flight then
    (the action server's own exception record carries no time)."""
    while not stop.is_set():
        samples.append((time.time(), size(log)))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)
    samples.append((time.time(), size(log)))


def read_logs(report: Report, log_dir: Path, start: dict[str, int], samples: list[tuple[float, int]]) -> None:
    """Count the action server's errors written since ``start``: its ERROR records, and Tracebacks outside
    one (a record's own traceback is part of it); show each with the paths whose turns were in flight when
    it was written."""
    report.log_read = True
    actions = log_dir / "actions.log"
    data = actions.read_bytes()[start["actions.log"]:] if actions.exists() else b""
    lines, offsets, at = [], [], start["actions.log"]
    for raw in data.splitlines(keepends=True):
        lines.append(raw.decode(errors="replace").rstrip("\n"))
        offsets.append(at)
        at += len(raw)
    errors: list[list] = []  # [byte offset, summary]
    in_record = False
    for i, line in enumerate(lines):
        if (match := TIMESTAMP.match(line)):
            in_record = match.group(2) in ("ERROR", "CRITICAL")
            if in_record:
                errors.append([offsets[i], line[len(match.group(0)):].strip()])
        elif line.startswith("Traceback"):
            following = lines[i + 1:]
            end = next((j for j, later in enumerate(following) if TIMESTAMP.match(later) or later.startswith("Traceback")),
                       len(following))
            raised = [later for later in following[:end] if EXCEPTION_LINE.match(later)][-1:]
            where = [later.strip() for later in following[:end]
                     if later.strip().startswith('File "') and "/actions/" in later][-1:]
            summary = " — ".join([*raised, *where]) or line
            if in_record:
                errors[-1][1] = summary
            else:
                errors.append([offsets[i], summary])
            in_record = False
    for offset, summary in errors:
        report.counts["exception"] += 1
        report.exception_lines[summary] += 1
        written = next((t for t, bytes_ in samples if bytes_ > offset), None)
        before = max((t for t, bytes_ in samples if bytes_ <= offset), default=None)
        if written is None:
            continue
        flying = [path for started, ended, path in report.windows
                  if started <= written and ended >= (before if before is not None else written) - 0.05]
        for path in flying[:3]:
            report.note("exception", path, summary, count=False)
    rasa = log_dir / "rasa.log"
    tail = rasa.read_bytes()[start["rasa.log"]:].decode(errors="replace") if rasa.exists() else ""
    report.rasa_errors = sum(1 for line in tail.splitlines()
                             if (m := TIMESTAMP.match(line)) and m.group(2) in ("ERROR", "CRITICAL")
                             and "rasa.core.nlg.interpolator" not in line)


async def explore(url: str, starts: list[str], depth: int = 3, concurrency: int = 2, log_dir: Path | None = None,
                  skip: tuple[str, ...] = ()) -> Report:
    """Explore from ``starts`` through the gateway at ``url``; ``log_dir``: the stack's logs (VAR_DIR/logs),
    for the action server's exceptions."""
    if log_dir is None:
        return await Explorer(url, depth, concurrency, skip).run(starts)
    start = {name: size(log_dir / name) for name in ("actions.log", "rasa.log")}
    samples: list[tuple[float, int]] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(log_dir / "actions.log", samples, stop))
    report = await Explorer(url, depth, concurrency, skip).run(starts)
    await asyncio.sleep(1)  # the log's last lines
    stop.set()
    await watcher
    read_logs(report, log_dir, start, samples)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running gateway; without it the embedded stack is started")
    parser.add_argument("--var-dir", type=Path, help="with --url: the stack's VAR_DIR, to read its action server's log")
    parser.add_argument("--limit", type=int, default=24, help="starting messages (0: all)")
    parser.add_argument("--depth", type=int, default=3, help="button presses after the starting message")
    parser.add_argument("--concurrency", type=int, default=2, help="conversations played at once")
    parser.add_argument("--start", action="append", help="a starting message of your own (repeatable)")
    parser.add_argument("--no-ratings", action="store_true", help="do not press the rating buttons")
    args = parser.parse_args()
    starts = args.start or starting_messages(args.limit)
    skip = (RATING_PREFIX,) if args.no_ratings else ()
    print(f"{len(starts)} starting messages, depth {args.depth}:")
    for start in starts:
        print(f"  {start}")
    if args.url:
        log_dir = args.var_dir / "logs" if args.var_dir else None
        report = asyncio.run(explore(args.url, starts, args.depth, args.concurrency, log_dir, skip))
    else:
        from stack import gateway

        var_dir = Path(tempfile.mkdtemp(prefix="bench-"))
        with gateway(var_dir=str(var_dir)) as url:
            report = asyncio.run(explore(url, starts, args.depth, args.concurrency, var_dir / "logs", skip))
    print(report.format())


if __name__ == "__main__":
    main()
