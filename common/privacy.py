"""Masking of personal data before anything is logged or kept without consent.

Masked, as citizens and officers really write them:
- CCCD/CMND and phone numbers in any grouping ("001 191 012 345", "0912.345.678", "+84 912 345 678",
  "0912/345/678", "001_090_012_345", "001190 - 012345", "0912 – 345 – 678", "001190, 012345"), in full-width digits ("０９１２…"), glued to their label
  ("CCCD001090012345", "zalo0912345678") or read out in words ("không chín một hai …");
- dates in figures ("15/03/1990", "1990-03-15", "15031990") or in words: the year stays;
- e-mail addresses (first letter and domain stay), house numbers with their street ("45/2 Lê Lợi",
  "địa chỉ 123/45 Nguyễn Trãi"), hamlets, residential groups and apartments ("thôn 3", "tổ 5, ấp 2",
  "căn hộ 1203 tòa A"), names after
  "tên là", "tôi là", "mình là", "họ tên" (capitalised, or in any case from a family name on) and a
  dossier link's access key.
Left as they are: money ("150.000.000 đồng", "150 000 000 đ"), procedure codes ("1.004873"), dossier
codes ("H99.12-240101-0001", "HS-2026-000123"), years and counts.

Every pass reads the text a bounded number of times (linear, whatever its length:
``benchmarks/text_scanning.py``). Numbers are read by a scanner: the text is cut into tokens (digit
groups and words); digit groups joined by one separator make a run, read with the words on either side
(a label, a code's letters, a currency); a run is split into personal numbers in windows of at most
twelve digits, so each group is looked at a bounded number of times. Runs further apart (spaces around
a dash, dot or comma) make a chain, read together only where up to four whole runs make a CCCD or a
phone number.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from bot.vietnamese import fold

# ---- numbers: the scanner --------------------------------------------------------------------------

# Digit groups (any script's decimal digits: "０９１２" too) and words; anything else lies between them.
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")
_WORD_RE = re.compile(r"[^\W\d_]+")
_SPACES = frozenset(" \u00a0\u202f\u3000")
_CODE_SEPARATORS = frozenset(".-/_．－／＿")  # inside a code ("H99.12-240101-0001") as inside a number
_SEPARATORS = _SPACES | _CODE_SEPARATORS | frozenset(",，")  # one of these between two groups joins them
_THOUSANDS = frozenset(".,．，")  # "150.000.000": money's grouping, never a CMND's
_PLUS = frozenset("+＋")
_LONGEST_NUMBER = 12  # digits of a CCCD, the longest personal number
_SHORTEST_NUMBER = 9  # digits of a CMND, the shortest
_MOBILE_NETWORKS = frozenset("35789")  # 03x, 05x, 07x, 08x, 09x
# Labels a number may be glued to ("CCCD001…", "SĐT0912…"), folded; any other upper-case word glued to
# digits starts a code.
_LABELS = frozenset({"cccd", "cmnd", "cmt", "cmtnd", "cc", "id", "so", "sdt", "dt", "dd", "didong", "zalo",
                     "tel", "phone", "mobile", "hotline", "viber"})
_CURRENCY = frozenset({"đồng", "dong", "đ", "vnđ", "vnd", "triệu", "trieu", "tỷ", "tỉ", "nghìn", "nghin", "ngàn",
                       "ngan", "usd"})


def _ascii_digits(group: str) -> str:
    return group if group.isascii() else "".join(str(unicodedata.decimal(ch)) for ch in group)


def _is_date(day: str, month: str, year: str) -> bool:
    d, m = int(day), int(month)
    return 1900 <= int(year) <= 2099 and ((1 <= d <= 31 and 1 <= m <= 12) or (1 <= d <= 12 and 1 <= m <= 31))


def _date_at(typed: list[str], digits: list[str], seps: list[str], i: int) -> tuple[int, list[str]] | None:
    """A date starting at group ``i``: (the group after it, its masked pieces) — the year stays."""
    if i + 3 <= len(digits) and seps[i] == seps[i + 1]:
        a, b, c = digits[i:i + 3]
        if len(a) <= 2 and len(b) <= 2 and len(c) == 4 and _is_date(a, b, c):  # 15/03/1990
            return i + 3, ["**", seps[i], "**", seps[i + 1], typed[i + 2]]
        if len(a) == 4 and len(b) <= 2 and len(c) <= 2 and _is_date(c, b, a):  # 1990-03-15
            return i + 3, [typed[i], seps[i], "**", seps[i + 1], "**"]
        if (len(a) <= 2 and len(b) <= 2 and len(c) == 2 and seps[i] in "/-" and 1 <= int(a) <= 31
                and 1 <= int(b) <= 12 and (i + 3 == len(digits) or seps[i + 2] not in _CODE_SEPARATORS)):
            return i + 3, ["**", seps[i], "**", seps[i + 1], typed[i + 2]]  # 15/3/90: the year stays
    group = digits[i]
    if len(group) == 8:
        if _is_date(group[:2], group[2:4], group[4:]):  # 15031990
            return i + 1, ["****" + typed[i][4:]]
        if _is_date(group[6:], group[4:6], group[:4]):  # 19900315
            return i + 1, [typed[i][:4] + "****"]
    return None


def _is_money(digits: list[str], seps: list[str]) -> bool:
    """Groups of three after a first of one to three, joined by one dot or comma: "1.500.000"."""
    return (bool(seps) and len(set(seps)) == 1 and seps[0] in _THOUSANDS and 1 <= len(digits[0]) <= 3
            and all(len(group) == 3 for group in digits[1:]))


def _may_start(digits: list[str], seps: list[str], i: int, money: bool) -> bool:
    """No personal number starts inside an amount: "1.000.000.000.000" holds no "000.000.000.000"."""
    if i == 0 or len(digits[i]) != 3 or len(digits[i - 1]) > 3:
        return True
    return not (seps[i - 1] in _THOUSANDS or (money and seps[i - 1] in _SPACES))


def _kind(number: str, digits: list[str], seps: list[str], *, plus: bool, money: bool,
          strict: bool) -> tuple[int, int] | None:
    """(digits kept at the start, at the end) if ``number`` (``digits`` joined by ``seps``) is a
    personal number, else None. ``strict``: inside a code, only a CCCD or a mobile number counts."""
    if strict:
        cccd = len(number) == 12 and number[0] == "0"
        mobile = len(number) == 10 and number[0] == "0" and number[1] in _MOBILE_NETWORKS
        return (3, 3) if cccd or mobile else None
    if number.startswith("0084"):
        return None  # "0084 912 345 678": read whole as a long number (_long_number_at), not cut at 10 digits
    if number[0] == "0" and not plus and len(number) in {10, 11, 12}:
        return 3, 3  # mobile or landline; CCCD (a province code opens it)
    if plus or (number.startswith("84") and len(number) == 11):
        keep = (4, 3) if len(number) == 11 else None  # 84 and two digits of the network
    elif len(number) == 9 and not any(sep in _THOUSANDS for sep in seps):
        keep = 2, 2  # CMND ("150.000.000" is money)
    else:
        return None
    if not plus and number[0] != "0" and (money or _is_money(digits, seps)):
        return None  # an amount: followed by its currency, or grouped as money is
    return keep


def _hide(typed: list[str], seps: list[str], keep: tuple[int, int], total: int) -> list[str]:
    """The groups with their middle digits as "*" (a digit read out as a word becomes one "*")."""
    head, tail = keep
    out, seen = [], 0
    for k, group in enumerate(typed):
        if k:
            out.append(seps[k - 1])
        if group[0].isdecimal():
            out.append("".join(ch if seen + n < head or seen + n >= total - tail else "*" for n, ch in enumerate(group)))
            seen += len(group)
        else:
            out.append(group if seen < head or seen >= total - tail else "*")
            seen += 1
    return out


def _long_number_at(typed: list[str], digits: list[str], seps: list[str], i: int) -> tuple[int, list[str]] | None:
    """A bank account, card or tax code starting at group ``i``: groups joined by no thousands separator
    holding ``_SHORTEST_NUMBER`` digits or more ("0123456789012", "4111 1111 1111 1111", "8012345678"),
    with all but two digits at either end hidden. Its groups are taken whole (each is read once
    when one is found; a failed look reads fewer than ``_SHORTEST_NUMBER`` groups)."""
    j, total = i + 1, len(digits[i])
    while j < len(digits) and seps[j - 1] not in _THOUSANDS:
        total += len(digits[j])
        j += 1
    if total < _SHORTEST_NUMBER:
        return None
    return j, _hide(typed[i:j], seps[i:j - 1], (2, 2), total)


def _mask_groups(typed: list[str], digits: list[str], seps: list[str], *, plus: bool = False,
                 money: bool = False, strict: bool = False) -> list[str]:
    """Groups (``typed``, their ASCII ``digits``) joined by ``seps``, with the personal numbers and dates
    among them masked: at each group a date, else the longest personal number of at most twelve digits
    starting there, else the group as it is."""
    before = [0]
    for group in digits:
        before.append(before[-1] + len(group))
    joined = "".join(digits)
    out, i, n = [], 0, len(typed)
    while i < n:
        found = None if strict else _date_at(typed, digits, seps, i)
        if found is None and _may_start(digits, seps, i, money):
            last = i + 1
            while last < n and before[last + 1] - before[i] <= _LONGEST_NUMBER:
                last += 1
            for j in range(last, i, -1):
                total = before[j] - before[i]
                if total < _SHORTEST_NUMBER:
                    break
                keep = _kind(joined[before[i]:before[j]], digits[i:j], seps[i:j - 1], plus=plus and i == 0,
                             money=money, strict=strict)
                if keep:
                    found = j, _hide(typed[i:j], seps[i:j - 1], keep, total)
                    break
        if found is None and not strict and not money and _may_start(digits, seps, i, money):
            found = _long_number_at(typed, digits, seps, i)
        j, pieces = found or (i + 1, [typed[i]])
        out.extend(pieces)
        if j < n:
            out.append(seps[j - 1])
        i = j
    return out


def _mask_run(text: str, run: list[re.Match], before: re.Match | None, after: re.Match | None) -> str:
    """One run of digit groups, read with the tokens around it."""
    start, end = run[0].start(), run[-1].end()
    typed = [token.group() for token in run]
    digits = [_ascii_digits(group) for group in typed]
    seps = [text[token.start() - 1] for token in run[1:]]
    gap = start - (before.end() if before else 0)
    plus = gap >= 1 and text[start - 1] in _PLUS
    word = before.group() if before is not None and not before.group()[0].isdecimal() else ""
    attached = word and (gap == 0 or (gap == 1 and text[start - 1] in _CODE_SEPARATORS))
    money = (after is not None and not after.group()[0].isdecimal() and after.group().lower() in _CURRENCY
             and after.start() - end <= 1 and not text[end:after.start()].strip()) or text[end:end + 2].strip()[:1] == "₫"
    if attached and word.isupper() and fold(word).lower() not in _LABELS and len(digits[0]) < _SHORTEST_NUMBER:
        # A code ("H99.12-240101-0001", "HS-2026-000123"): its groups up to a space (or a long group) are
        # left as typed unless they hold a CCCD or a mobile number (not counting a group glued to the
        # letters: "G01" is one word); what follows is read afresh.
        k = 1
        while k < len(typed) and seps[k - 1] in _CODE_SEPARATORS and len(digits[k]) < _SHORTEST_NUMBER:
            k += 1
        glued = 1 if gap == 0 else 0
        pieces = [typed[0]] if glued else []
        if k > glued:
            pieces.extend(seps[:glued] + _mask_groups(typed[glued:k], digits[glued:k], seps[glued:k - 1], strict=True))
        if k < len(typed):
            pieces.append(seps[k - 1])
            pieces.extend(_mask_groups(typed[k:], digits[k:], seps[k:], money=money))
    else:
        pieces = _mask_groups(typed, digits, seps, plus=plus, money=money)
    return "".join(pieces)


# Fewer digits than this hold neither a date (1/3/90) nor a personal number: left without a look.
_FEWEST_DIGITS = 4  # "1/3/90"


# Digit groups further apart than one separator ("001190 - 012345", "0912 – 345 – 678", "001190, 012345",
# "0912 . 345 . 678", a line break) are read together only when whole runs make a CCCD, a mobile or a
# landline number: spaces around one punctuation mark, or a dash with none, at most five characters.
_LOOSE_SPACES = _SPACES | frozenset("\t\n\r")
_LOOSE_MARKS = frozenset("-–—.,/－．，／")
_LOOSE_GAP = 5
_LOOSE_RUNS = 4  # "0912 - 345 - 678": at most four runs make one number
_LOOSE_SHORTEST_RUN = 3  # digits; "01, 02, 03, 04, 05, 06" is a list, no number


def _loose_gap(gap: str) -> bool:
    """Whether ``gap`` (no single separator) may lie between the runs of one number."""
    if not 1 <= len(gap) <= _LOOSE_GAP:
        return False
    mark = gap.strip("".join(_LOOSE_SPACES))
    return all(ch in _LOOSE_SPACES for ch in gap.replace(mark, "", 1)) and (mark == "" or mark in _LOOSE_MARKS)


def _loose_number(digits: str) -> tuple[int, int] | None:
    """Digits kept at (start, end) if ``digits``, read across loose gaps, are a CCCD, a mobile or a
    landline number (the stricter kinds: no CMND, no amount, no bank account across a gap)."""
    if digits[0] != "0" or digits.startswith("00") and len(digits) != 12:
        return None
    if len(digits) == 12 or (len(digits) == 10 and digits[1] in _MOBILE_NETWORKS) or (
            len(digits) == 11 and digits[1] == "2"):
        return 3, 3
    return None


def _mask_numbers(text: str) -> str:
    """The scanner: tokens in one pass; runs of digit groups (one separator between groups) are kept in
    a chain while loose gaps join them, and each chain is masked once its next token is known."""
    out, position = [], 0
    run: list[re.Match] = []
    chain: list[tuple[list[re.Match], re.Match | None]] = []  # (run, the token before it)
    before = previous = None

    def mask_chain(after: re.Match | None) -> None:
        nonlocal position
        sizes = [sum(len(_ascii_digits(t.group())) for t in r) for r, _ in chain]
        k = 0
        while k < len(chain):
            found = None
            if sizes[k] >= _LOOSE_SHORTEST_RUN:
                total, j = sizes[k], k + 1
                while j < len(chain) and j - k < _LOOSE_RUNS and sizes[j] >= _LOOSE_SHORTEST_RUN \
                        and total + sizes[j] <= _LONGEST_NUMBER:
                    total += sizes[j]
                    j += 1
                    tokens = [t for r, _ in chain[k:j] for t in r]
                    typed = [t.group() for t in tokens]
                    keep = _loose_number("".join(_ascii_digits(g) for g in typed))
                    if keep:
                        found = j, tokens, typed, keep, total
            if found:
                j, tokens, typed, keep, total = found
                seps = [text[a.end():b.start()] for a, b in zip(tokens, tokens[1:])]
                out.append(text[position:tokens[0].start()] + "".join(_hide(typed, seps, keep, total)))
                position = tokens[-1].end()
                k = j
                continue
            r, ahead = chain[k]
            start, end = r[0].start(), r[-1].end()
            if end - start - (len(r) - 1) >= _FEWEST_DIGITS:
                out.append(text[position:start] + _mask_run(text, r, ahead, chain[k + 1][0][0] if k + 1 < len(chain) else after))
                position = end
            k += 1
        chain.clear()

    for token in _TOKEN_RE.finditer(text):
        digits = token.group()[0].isdecimal()
        if digits and run and token.start() == run[-1].end() + 1 and text[run[-1].end()] in _SEPARATORS:
            run.append(token)  # one separator from the group before: the same run
        elif digits and run and _loose_gap(text[run[-1].end():token.start()]):
            chain.append((run, before))  # a loose gap: a new run in the same chain
            run, before = [token], run[-1]
        else:
            if run:
                chain.append((run, before))
                mask_chain(token)
                run = []
            if digits:
                run, before = [token], previous
        previous = token
    if run:
        chain.append((run, before))
        mask_chain(None)
    return "".join(out) + text[position:]


# Digits read out one by one ("không chín một hai …"): nine words in a row or more, nothing else between.
_SPOKEN_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_DIGIT_OF_WORD = {fold(word): str(digit) for digit, word in enumerate(_SPOKEN_DIGITS)}  # "bẩy" folds to "bay" too
_SPOKEN = "|".join(sorted({*_SPOKEN_DIGITS, "bẩy", *_DIGIT_OF_WORD}, key=len, reverse=True))
_SPOKEN_RUN_RE = re.compile(rf"\b(?:{_SPOKEN})\b(?:[\s,.\-]{{1,3}}(?:{_SPOKEN})\b){{{_SHORTEST_NUMBER - 1},}}",
                            re.IGNORECASE)


def _mask_spoken(match: re.Match) -> str:
    spoken = match.group(0)
    words = list(_WORD_RE.finditer(spoken))
    typed = [word.group() for word in words]
    digits = [_DIGIT_OF_WORD.get(fold(word.casefold()), "") for word in typed]
    if not all(digits):  # a letter only case-insensitive matching equates ("ſau"): hide every word
        return _WORD_RE.sub("*", spoken)
    seps = [spoken[a.end():b.start()] for a, b in zip(words, words[1:])]
    return "".join(_mask_groups(typed, digits, seps))


# ---- dates in words, e-mails, access keys, addresses, names ------------------------------------------

_DATE_WORDS_RE = re.compile(
    r"\b(?:(ngày|ngay)\s{0,3})?\d{1,2}\s{0,3}(tháng|thang)\s{0,3}\d{1,2}\s{0,3},?\s{0,3}(năm|nam)\s{0,3}(\d{4})\b",
    re.IGNORECASE)


def _mask_date_words(match: re.Match) -> str:
    day = f"{match.group(1)} ** " if match.group(1) else "** "
    return f"{day}{match.group(2)} ** {match.group(3)} {match.group(4)}"


# A passport number: one letter and seven or eight digits ("C7654321", "B12345678"), standing alone
# (not inside a code "H99.12-…" or a plate "29A-123.45"); the letter and the last two digits stay.
_PASSPORT_RE = re.compile(r"(?<![\w.\-/])([A-Za-z])(\d{5,6})(\d\d)(?![\w]|[.,\-/]\d)")
# A phone number with its area or network code in brackets ("(091) 234 5678", "(028) 3823 4567",
# "(+84) 912 345 678"): the code and the last three digits stay.
_BRACKETED_PHONE_RE = re.compile(r"\((\+?\d{2,4})\)((?:[ .\-]?\d{1,4}){1,3})(?![\d])")


def _mask_bracketed_phone(match: re.Match) -> str:
    code, rest = match.groups()
    total = sum(ch.isdigit() for ch in rest)
    if total < 6:
        return match.group(0)  # "(1) 2 3": no phone number
    seen, out = 0, []
    for ch in rest:
        if ch.isdigit():
            out.append(ch if seen >= total - 3 else "*")
            seen += 1
        else:
            out.append(ch)
    return f"({code}){''.join(out)}"
# An address starts where its characters start (one attempt a token: "1.1.1…" without an "@" is
# scanned once, not once a character).
_EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)\b")
_ACCESS_KEY_RE = re.compile(r"([?&]key=)[\w\-]+")
# A house number (after "số nhà", "số", "nhà" or before a street word), then the street's name. A number
# going on with a dot or comma and digits is no house number ("thủ tục số 1.004873"). Its parts are
# bounded: with "(?:/\d+[a-zA-Z]?)*" every digit of "1a/1a/1a/…" was a start scanning to the end (quadratic).
_STREET_WORDS = r"(?:đường|duong|phố|pho|ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet)"
_HOUSE_NUMBER = r"\d{1,5}[a-zA-Z]?(?:/\d{1,5}[a-zA-Z]?){0,4}(?![.,/]?\d)"
_ADDRESS_RE = re.compile(
    rf"\b(?:(?:(?:địa chỉ|dia chi)\s*:?|số nhà|so nha|số|so|nhà|nha)\s+{_HOUSE_NUMBER}(?:\s+{_STREET_WORDS})?"
    rf"|{_HOUSE_NUMBER}\s+{_STREET_WORDS}"
    rf"|{_STREET_WORDS}\s+{_HOUSE_NUMBER})"
    r"(?:\s+(?:[^\W\d_][^\W_]*))*?(?=\s*(?:,|\.|;|\n|$|\s+(?:phường|phuong|xã|xa|quận|quan|huyện|huyen|thị|thi|tp|tỉnh|tinh)\b"
    r"|\s+(?:p|q|f|h|x|tp|tx)\.\s*\w))",
    re.IGNORECASE,
)
ADDRESS_MASK = "[địa chỉ]"
# A house number with a slash ("45/2", "123/45", "12/3/4") before a street's name of two capitalised
# words or more ("45/2 Lê Lợi P.Bến Nghé"), with no "số"/"đường" around it. "123/2015/NĐ-CP" (a year
# after the slash, another slash) and "1234/QĐ-UBND" are no house numbers; a date needs its "ngày".
_SLASH_ADDRESS_RE = re.compile(r"(?<![\w/.,\-])(\d{1,4}[a-zA-Z]?(?:/\d{1,3}[a-zA-Z]?){1,3})(?![\w/]|[.,\-]\d)"
                               r"((?:[ \t]+[^\W\d_]+){2,6})")
_NOT_BEFORE_SLASH_ADDRESS = re.compile(r"(?:ngày|ngay|hôm|hom|hạn|han|từ|tu|đến|den|trước|truoc|sau|tháng|thang)\s+$",
                                       re.IGNORECASE)
_ABBREVIATION_AFTER = re.compile(r"\.\s*\w")  # "P.Bến Nghé", "Q.1": a ward or district, after the street
# A hamlet, a residential group, a neighbourhood or an apartment with its number ("thôn 3", "tổ 5",
# "ấp 2", "tổ dân phố 7", "khu phố 4", "căn hộ 1203 tòa A") or, for a hamlet, its capitalised name
# followed by the commune ("thôn Đông, xã Tân Lập", "ấp Bình Hưng xã …"; not "nông thôn Hướng dẫn…",
# "THÔN Bình chọn", "thôn Trạm Y tế"): the commune, district and province after it stay.
_UNIT_RE = re.compile(
    r"\b(?:(thôn|thon|xóm|xom|ấp|khóm|khom)\s+([^\W\d_]+(?:[ \t]+[^\W\d_]+){0,2})"
    r"|(?:thôn|thon|xóm|xom|ấp|khóm|khom|tổ dân phố|to dan pho|tổ|khu phố|khu pho|kp)\s+(?:số\s+)?\d{1,3}[a-zA-Z]?"
    r"(?![\w/]|[.,\-]\d)"
    r"|căn hộ(?:\s+số)?\s+[a-zA-Z]{0,3}[\-.]?\d{1,5}[a-zA-Z]?(?![\w/]|[.,\-]\d)"
    r"(?:,?[ \t]+(?:tòa|toà|toa|tầng|tang|block|lô|lo)[ \t]+[^\W_]{1,6}(?![\w/]))*)",
    re.IGNORECASE)
_COMMUNE_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:xã|xa|phường|phuong|thị trấn|thi tran|huyện|huyen|quận|quan)\b",
                            re.IGNORECASE)
_RURAL_BEFORE = re.compile(r"(?:nông|nong)\s+$", re.IGNORECASE)  # "nông thôn": the countryside
_REPEATED_ADDRESS_RE = re.compile(r"\[địa chỉ\](?:[ \t]*[,\-][ \t]*\[địa chỉ\]|[ \t]+\[địa chỉ\])+")


def _capitalised(words: list[str]) -> int:
    """How many of ``words``, from the first, are capitalised names (not a one-letter abbreviation)."""
    n = 0
    for word in words:
        if not (word[0].isupper() and len(word) > 1):
            break
        n += 1
    return n


def _mask_named(match: re.Match, fewest: int, commune_after: bool = False) -> str:
    """The match masked up to the end of the capitalised name in its group 2 (at least ``fewest`` words,
    and, if ``commune_after``, the commune named next), the words after that name kept; else the match
    as it is."""
    words = list(_WORD_RE.finditer(match.group(2)))
    n = _capitalised([w.group() for w in words])
    if n == len(words) and _ABBREVIATION_AFTER.match(match.string, match.end()):
        n -= 1  # "… Lợi P.Bến Nghé": the "P" is the ward's
    if n < fewest or (commune_after and not _COMMUNE_AFTER.match(match.string, match.start(2) + words[n - 1].end())):
        return match.group(0)
    return ADDRESS_MASK + match.group(2)[words[n - 1].end():]


def _mask_slash_address(match: re.Match) -> str:
    if _NOT_BEFORE_SLASH_ADDRESS.search(match.string, max(0, match.start() - 8), match.start()):
        return match.group(0)
    return _mask_named(match, 2)


def _mask_unit(match: re.Match) -> str:
    if match.group(2) is None:
        return ADDRESS_MASK
    if match.group(1).isupper() or _RURAL_BEFORE.search(match.string, max(0, match.start() - 6), match.start()):
        return match.group(0)  # a heading ("THÔN …"), the countryside ("nông thôn")
    return _mask_named(match, 1, commune_after=True)


def _mask_addresses(text: str) -> str:
    text = _UNIT_RE.sub(_mask_unit, text)  # first: "tổ dân phố 7" is no street "phố 7"
    text = _ADDRESS_RE.sub(ADDRESS_MASK, text)
    text = _SLASH_ADDRESS_RE.sub(_mask_slash_address, text)
    return _REPEATED_ADDRESS_RE.sub(ADDRESS_MASK, text)
# A person's name after the words that introduce one ("tên là", "tôi là", "mình là", "họ tên").
_NAME_CUE_RE = re.compile(
    r"\b(?:tên là|tên|tôi là|em là|mình là|họ và tên|họ tên|ten la|ten|toi la|em la|minh la|ho va ten|ho ten)"
    r"\s*:?\s+", re.IGNORECASE)
NAME_MASK = "[họ tên]"
# A name typed in lower case is known by its family name; those that are also everyday words after
# "tôi là" ("cao", "mai", "thái"…) are left out, and so are, unaccented, those that are several words.
_FAMILY_NAMES = frozenset({
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương",
    "lý", "đinh", "đoàn", "trương", "lâm", "lương", "lưu", "trịnh", "kiều", "quách", "tôn", "châu", "hà"})
_FAMILY_NAMES_UNACCENTED = frozenset(fold(name) for name in _FAMILY_NAMES) - {"ha", "ho", "lam", "chau", "ton"}
# Words that end a name typed in lower case ("tên là nguyễn văn an ở Huế"), and those that show the
# words after a family name are no name at all ("hồ sơ", "lý do").
_NOT_IN_NAMES = frozenset({
    "ở", "o", "sinh", "số", "so", "có", "co", "và", "va", "nhé", "nhe", "ạ", "a", "đang", "muốn", "muon", "cần", "can",
    "hỏi", "hoi", "là", "la", "thì", "ngày", "ngay", "tháng", "quê", "tại", "làm", "xin", "cho", "đã", "bị", "bi",
    "được", "duoc", "của", "cua", "với", "voi", "nhà", "nha", "đi", "di", "về", "ve", "hiện", "đây", "day", "nhá",
    "ơi", "oi", "đó", "này", "nay", "rồi", "roi", "vậy", "vay", "mà", "nên", "nen", "không", "khong", "sơ", "do",
    "lịch", "lich", "tuổi", "tuoi", "xe", "phí", "phi", "luật", "luat", "thuế", "thue",
})


def _family_name(word: str) -> bool:
    lowered = word.lower()
    return lowered in _FAMILY_NAMES or (lowered.isascii() and lowered in _FAMILY_NAMES_UNACCENTED)


def _mask_names(text: str) -> str:
    out, position = [], 0
    for cue in _NAME_CUE_RE.finditer(text):
        if cue.start() < position:
            continue
        words, end, any_case = 0, cue.end(), False
        for word in _WORD_RE.finditer(text, cue.end()):
            name = word.group(0)
            if text[end:word.start()].strip() or words == 4:
                break
            if words == 0:
                any_case = _family_name(name)  # "nguyễn văn an", "Nguyễn văn An"
                if not (any_case or name[0].isupper()):
                    break
            elif name.lower() in _NOT_IN_NAMES or not (any_case or name[0].isupper()):
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
    text = _DATE_WORDS_RE.sub(_mask_date_words, text)
    text = _PASSPORT_RE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)
    text = _BRACKETED_PHONE_RE.sub(_mask_bracketed_phone, text)
    text = _mask_numbers(text)  # before addresses: a date is no house number
    text = _SPOKEN_RUN_RE.sub(_mask_spoken, text)
    text = _mask_addresses(text)
    return _mask_names(text)


def mask_logs() -> None:
    """Mask personal data in every log record this process creates, whichever logger or handler
    (rasa-sdk, uvicorn and Sanic set up their own handlers, so a filter on one would miss others)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_pii", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record  # a malformed call is left as is: logging reports it when the record is emitted
        try:
            record.msg = mask_pii(message)
        except Exception:  # a masker's bug must neither stop the caller nor let the message through
            record.msg = "[message withheld: masking failed]"
        record.args = ()
        return record

    factory.masks_pii = True
    logging.setLogRecordFactory(factory)
