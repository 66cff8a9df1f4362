"""The channel-neutral turn: what a citizen sent (``Inbound``) and what comes back (``Reply``).

Channels parse their wire format into an ``Inbound`` and render ``Reply`` objects in their own
means; Rasa's REST dicts exist only at the REST edge (``to_rest``) and at the core (``from_rasa``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from storage.identities import LOGIN_MARK


@dataclass(frozen=True)
class Inbound:
    channel: str  # web (a gateway-issued conversation) | rest (anonymous) | telegram | zalo
    sender_id: str  # the channel's own id: conversation id, REST sender, Telegram chat id, Zalo user id
    text: str = ""
    payload: str | None = None  # a clicked button's payload: sent to the core instead of the text
    # The client's address as the gateway saw it (the peer, or what TRUSTED_PROXIES forwarded), for
    # per-client caps (the officers' queue); None where the channel vouches for its senders (Telegram, Zalo).
    client: str | None = None

    @property
    def conversation_id(self) -> str:
        """The id the core and the store know this conversation by: namespaced by channel, so no
        client can name another channel's conversation."""
        return f"{self.channel}:{self.sender_id}"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str = ""  # sent back as the citizen's message when clicked
    url: str | None = None  # or a link to open (the one-time login link)


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
    offers_login: bool = False  # the gateway adds a login link where the channel allows one


def from_rasa(messages: list[dict[str, Any]]) -> list[Reply]:
    """Rasa REST-channel messages -> replies. Rasa sends an action's ``json_message`` as a message of
    its own after the text: a bare mark (a login offer, the erasure of the conversation) is folded into
    the reply it belongs to — never a reply of its own, which would show as an empty message."""
    replies: list[Reply] = []
    for message in messages:
        custom = message.get("custom") or {}
        document = custom.get("document")
        offers_login = bool(custom.get(LOGIN_MARK))
        if not (message.get("text") or message.get("buttons") or document):
            if replies and offers_login:
                replies[-1] = replace(replies[-1], offers_login=True)
            if replies or not offers_login:  # a lone login offer still gets its link
                continue
        replies.append(Reply(
            text=message.get("text") or "",
            buttons=[Button(b["title"], b["payload"]) for b in message.get("buttons") or []],
            document=Document(document["url"], document.get("filename", "ho-so.pdf")) if document else None,
            author=custom.get("author", "bot"),
            offers_login=offers_login,
        ))
    return replies


def to_rest(recipient_id: str, replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies in Rasa's REST-channel shape, for REST clients (the widget, the kiosk)."""
    messages = []
    for reply in replies:
        message: dict[str, Any] = {"recipient_id": recipient_id}
        if reply.text:
            message["text"] = reply.text
        if reply.buttons:
            message["buttons"] = [{"title": b.title, "url": b.url} if b.url else {"title": b.title, "payload": b.payload}
                                  for b in reply.buttons]
        custom: dict[str, Any] = {}
        if reply.document:
            custom["document"] = {"url": reply.document.url, "filename": reply.document.filename}
        if reply.author != "bot":
            custom["author"] = reply.author
        if custom:
            message["custom"] = custom
        messages.append(message)
    return messages
