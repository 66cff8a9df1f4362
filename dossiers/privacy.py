"""Masking of personal data before anything is logged or kept without consent."""

from __future__ import annotations

import contextlib
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
