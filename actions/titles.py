"""Procedure choices a citizen can read on any screen: buttons of at most ``MAX_BUTTON_CHARS``
(Telegram and Zalo cut or refuse longer ones; a kiosk button holds one line), numbered, showing the
words that tell the options apart ("có yếu tố nước ngoài", "lưu động"); the message above lists the
full names under the same numbers."""

from __future__ import annotations

MAX_BUTTON_CHARS = 40
ELLIPSIS = "…"


def shorten(text: str, limit: int = MAX_BUTTON_CHARS) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, marked with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return balanced(head) + ELLIPSIS


def _key(word: str) -> str:
    """A word as options are compared: without case or the punctuation after it ("ký," is "ký")."""
    return word.lower().rstrip(",;:.")


def _shared_start(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def distinguishing(names: list[str]) -> list[str]:
    """For each name, what sets it apart from the others: itself when it fits on a button, else its
    words after those it begins with like its closest other option, without the words every option
    ends with (the shared words when it has nothing else: the general case)."""
    keys = [[_key(w) for w in name.split()] for name in names]
    suffix = 0
    if len(names) > 1:
        shortest = min(map(len, keys))
        while suffix < shortest and len({k[-1 - suffix] for k in keys}) == 1:
            suffix += 1
    parts = []
    for i, name in enumerate(names):
        words = name.split()
        prefix = max((_shared_start(keys[i], other) for j, other in enumerate(keys) if j != i), default=0)
        own = balanced(" ".join(words[prefix:len(words) - suffix])) or name
        parts.append(name if len(name) <= MAX_BUTTON_CHARS - 3 else own[:1].upper() + own[1:])
    return parts


def balanced(words: str) -> str:
    """Words cut out of a name without a parenthesis the cut left half of ("Trung ương)", "Khác (đối…")."""
    words = " ".join(words.split())
    if words.startswith("(") and words.endswith(")") and words.count("(") == 1:
        words = words[1:-1]  # "(thực hiện tại cấp tỉnh)": the whole difference was a parenthesis
    if words.count("(") != words.count(")"):
        words = " ".join(words.replace("(", " ").replace(")", " ").split())
    return words.strip(" ,;:-–")


def numbered_titles(names: list[str]) -> list[str]:
    """"1. …", "2. …": button titles within ``MAX_BUTTON_CHARS``."""
    return [shorten(f"{i}. {part}") for i, part in enumerate(distinguishing(names), start=1)]


def numbered_list(names: list[str]) -> str:
    return "\n".join(f"{i}. {name}" for i, name in enumerate(names, start=1))
