"""Masking of personal data before anything is logged or kept without consent.

Caught as citizens and officers really write them: CCCD/CMND and phone numbers with or without
spaces, dots or dashes ("001 191 012 345", "0912.345.678", "+84 912 345 678"), dates in figures or
in words, e-mail addresses, house numbers with their street, and a dossier link's access key.
"""

from __future__ import annotations

import contextlib
import logging
import re

# Digit groups joined by single separators: one number as typed, possibly several numbers in a row.
# Matched maximal and without look-arounds (each character is read once): a group glued to letters
# is set aside afterwards (``_mask_runs``), which a backtracking look-around did at quadratic cost.
_NUMBER_RUN_RE = re.compile(r"\+?\d+(?:[ .\-]\d+)*")
_GROUPS_RE = re.compile(r"(?<=\d)([ .\-])(?=\d)")
_LONGEST_NUMBER = 12  # digits of a CCCD, the longest personal number
_SHORTEST_NUMBER = 9  # digits of a CMND, the shortest
_DATE_RE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](\d{4})(?!\d)")
_DATE_WORDS_RE = re.compile(
    r"\b(ngày|ngay)\s*\d{1,2}\s*(tháng|thang)\s*\d{1,2}\s*(năm|nam)\s*(\d{4})\b", re.IGNORECASE)
# An address starts where its characters start (one attempt a token: "1.1.1…" without an "@" is
# scanned once, not once a character).
_EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)\b")
_ACCESS_KEY_RE = re.compile(r"([?&]key=)[\w\-]+")
# A house number (after "số nhà", "số", "nhà" or before a street word), then the street's name.
_STREET_WORDS = r"(?:đường|duong|phố|pho|ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet)"
_ADDRESS_RE = re.compile(
    rf"\b(?:(?:số nhà|so nha|số|so|nhà|nha)\s+\d+[a-zA-Z]?(?:/\d+[a-zA-Z]?)*(?:\s+{_STREET_WORDS})?"
    rf"|\d+[a-zA-Z]?(?:/\d+[a-zA-Z]?)*\s+{_STREET_WORDS}"
    rf"|{_STREET_WORDS}\s+\d+[a-zA-Z]?(?:/\d+[a-zA-Z]?)*)"
    r"(?:\s+(?:[^\W\d_][^\W_]*))*?(?=\s*(?:,|\.|;|\n|$|\s+(?:phường|phuong|xã|xa|quận|quan|huyện|huyen|thị|thi|tp|tỉnh|tinh)\b))",
    re.IGNORECASE,
)
ADDRESS_MASK = "[địa chỉ]"
# A person's name after the words that introduce one ("tên là", "tôi là", "họ tên"): capitalised words.
_NAME_CUE_RE = re.compile(
    r"\b(?:tên là|tên|tôi là|em là|họ và tên|họ tên|ten la|ten|toi la|em la|ho va ten|ho ten)\s*:?\s+", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")
NAME_MASK = "[họ tên]"


def _kind(digits: str, typed: str) -> tuple[int, int] | None:
    """(digits kept at the start, at the end) if ``digits`` is a personal number, else None."""
    if typed.startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        return (4, 3) if len(digits) == 11 else None  # 84 and two digits of the network
    if digits.startswith("0") and len(digits) in {10, 11}:
        return 3, 3  # mobile or landline
    if len(digits) == 12 and digits.startswith("0"):
        return 3, 3  # CCCD: a province code opens it
    if len(digits) == 9 and "." not in typed:
        return 2, 2  # CMND ("150.000.000" is money)
    return None


def _mask_number(typed: str, keep: tuple[int, int], total: int) -> str:
    head, tail = keep
    out, seen = [], 0
    for ch in typed:
        if ch.isdigit():
            out.append(ch if seen < head or seen >= total - tail else "*")
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def _mask_run(run: str) -> str:
    """Split a run of digit groups into personal numbers, longest first, group boundaries only."""
    parts = _GROUPS_RE.split(run)  # groups at even indexes, separators between
    groups, out, i = parts[0::2], [], 0
    digits_before = [0]
    for group in groups:
        digits_before.append(digits_before[-1] + sum(ch.isdigit() for ch in group))
    while i < len(groups):
        # Windows of at most a personal number's length: linear in the run, whatever its length.
        last = i + 1
        while last < len(groups) and digits_before[last + 1] - digits_before[i] <= _LONGEST_NUMBER:
            last += 1
        for j in range(last, i, -1):
            if digits_before[j] - digits_before[i] < _SHORTEST_NUMBER:
                continue
            typed = "".join(parts[2 * i: 2 * j - 1])
            digits = re.sub(r"\D", "", typed)
            keep = _kind(digits, typed)
            if keep:
                out.append(_mask_number(typed, keep, len(digits)))
                break
        else:
            j = i + 1
            out.append(groups[i])
        if j < len(groups):
            out.append(parts[2 * j - 1])
        i = j
    return "".join(out)


def _mask_runs(text: str) -> str:
    """Mask the personal numbers of every run of digit groups; a group glued to a letter is part of
    a word or code ("H99", "2b"), not a number, and stays as it is."""
    out, position = [], 0
    for match in _NUMBER_RUN_RE.finditer(text):
        start, end = match.span()
        run = match.group(0)
        glued_before = start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_+")
        glued_after = end < len(text) and (text[end].isalnum() or text[end] == "_")
        head = tail = ""
        if glued_before:
            cut = _GROUPS_RE.search(run)
            head, run = (run, "") if cut is None else (run[: cut.end()], run[cut.end():])
        if glued_after and run:
            cuts = list(_GROUPS_RE.finditer(run))
            run, tail = ("", run) if not cuts else (run[: cuts[-1].start()], run[cuts[-1].start():])
        out.append(text[position:start] + head + (_mask_run(run) if run else "") + tail)
        position = end
    return "".join(out) + text[position:]


def _mask_names(text: str) -> str:
    out, position = [], 0
    for cue in _NAME_CUE_RE.finditer(text):
        if cue.start() < position:
            continue
        words, end = 0, cue.end()
        for word in _WORD_RE.finditer(text, cue.end()):
            if text[end:word.start()].strip() or not word.group(0)[0].isupper() or words == 4:
                break
            words, end = words + 1, word.end()
        if words >= 2:
            out.append(text[position:cue.end()] + NAME_MASK)
            position = end
    return "".join(out) + text[position:]


def mask_pii(text: str) -> str:
    """'001203004567' -> '001******567', '0912 345 678' -> '091* *** 678', dates keep their year,
    e-mails their first letter and domain, addresses become '[địa chỉ]', introduced names '[họ tên]'."""
    text = _ACCESS_KEY_RE.sub(r"\1***", text)
    text = _EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _DATE_WORDS_RE.sub(lambda m: f"{m.group(1)} ** {m.group(2)} ** {m.group(3)} {m.group(4)}", text)
    text = _DATE_RE.sub(lambda m: f"**/**/{m.group(1)}", text)
    text = _ADDRESS_RE.sub(ADDRESS_MASK, text)
    text = _mask_names(text)
    return _mask_runs(text)


def mask_logs() -> None:
    """Mask personal data in every log record this process creates, whichever logger or handler
    (rasa-sdk, uvicorn and Sanic set up their own handlers, so a filter on one would miss others)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_pii", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # A malformed call is left as is: logging reports it when the record is emitted.
        with contextlib.suppress(TypeError, ValueError):
            record.msg, record.args = mask_pii(record.getMessage()), ()
        return record

    factory.masks_pii = True
    logging.setLogRecordFactory(factory)
