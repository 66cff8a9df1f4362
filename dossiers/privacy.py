"""Masking of personal data before anything is logged or kept without consent."""

from __future__ import annotations

import logging
import re

_ID_RE = re.compile(r"(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)")  # CCCD: 12 digits
_OLD_ID_RE = re.compile(r"(?<!\d)(\d{2})\d{5}(\d{2})(?!\d)")  # CMND: 9 digits
_PHONE_RE = re.compile(r"(?<![\d+])((?:\+84|0)\d{2})\d{4}(\d{3})(?!\d)")
_DATE_RE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](\d{4})(?!\d)")


def mask_pii(text: str) -> str:
    """'001203004567' -> '001******567'; phones keep prefix and last 3 digits; dates keep the year."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    text = _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = _OLD_ID_RE.sub(lambda m: f"{m.group(1)}*****{m.group(2)}", text)
    return _DATE_RE.sub(lambda m: f"**/**/{m.group(1)}", text)


class MaskingFilter(logging.Filter):
    """Logging filter that masks personal data in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_pii(record.getMessage())
        record.args = ()
        return True
