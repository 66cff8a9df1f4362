"""The channel-neutral reply type between the core and each channel's renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Document:
    url: str
    filename: str


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: list[Button] = field(default_factory=list)
    document: Document | None = None
    author: str = "bot"  # bot | officer


def from_rest(messages: list[dict[str, Any]]) -> list[Reply]:
    """Rasa REST-channel messages (as the gateway returns them) -> replies."""
    replies = []
    for message in messages:
        custom = message.get("custom") or {}
        document = custom.get("document")
        replies.append(
            Reply(
                text=message.get("text") or "",
                buttons=[Button(b["title"], b["payload"]) for b in message.get("buttons") or []],
                document=Document(document["url"], document.get("filename", "ho-so.pdf")) if document else None,
                author=custom.get("author", "bot"),
            )
        )
    return replies
