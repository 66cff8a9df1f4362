"""Conversation identities the gateway issues to browser clients (widget, kiosk).

A client asks for a conversation and gets an unguessable id with a token (the id and the time it was
issued, signed with the gateway's key, HMAC-SHA256). Every later request carries the token; the
gateway, not the client, decides which conversation a request belongs to. A token is good for
``CONVERSATION_TOKEN_DAYS`` after it was issued; then the client starts a new conversation. Clients that send no token still chat (Rasa's
REST contract), in an anonymous namespace of their own (``rest:<sender>``) that no token-bound,
Telegram or Zalo conversation can be reached from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from functools import cache
from pathlib import Path

from connectors.settings import GatewaySettings
from storage.settings import storage_settings

TOKEN_HEADER = "X-Conversation-Token"
KEY_FILE = "conversation.key"


def signing_key(settings: GatewaySettings) -> bytes:
    """``CONVERSATION_SECRET``, else a random key kept in ``VAR_DIR`` (shared by the embedded processes;
    replicas on several machines must share ``CONVERSATION_SECRET``)."""
    secret = settings.conversation_secret.get_secret_value()
    return secret.encode() if secret else _stored_key(str(Path(storage_settings().var_dir) / KEY_FILE))


@cache
def _stored_key(path: str) -> bytes:
    """The key file, created on first use; read once a process (every request verifies a token).
    Gateway replicas start together: the key is written aside and linked into place, which only one
    of them can do; the others read the winner's key."""
    key_file = Path(path)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        draft = key_file.with_name(f"{key_file.name}.{os.getpid()}")
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
            fh.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip().encode()


def _signature(key: bytes, signed: str) -> str:
    digest = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


KIOSK_PREFIX = "kiosk-"


def new_conversation(key: bytes, kiosk: bool = False) -> tuple[str, str]:
    """(conversation id, token) for a new browser conversation; a kiosk's ids say so (a shared
    screen: nothing personal is ever offered to be kept there)."""
    conversation_id = (KIOSK_PREFIX if kiosk else "") + secrets.token_urlsafe(18)
    signed = f"{conversation_id}.{int(time.time())}"
    return conversation_id, f"{signed}.{_signature(key, signed)}"


def channel_of(conversation_id: str) -> str:
    return "kiosk" if conversation_id.startswith(KIOSK_PREFIX) else "web"


def verified_id(key: bytes, token: str | None, max_age_s: float) -> str | None:
    """The conversation id a token was issued for, or None if it is not ours or older than ``max_age_s``
    (tokens of the old form, without their time of issue, included)."""
    signed, _, signature = (token or "").rpartition(".")
    conversation_id, _, issued = signed.rpartition(".")
    expected = _signature(key, signed).encode()
    if not (conversation_id and issued.isdigit() and hmac.compare_digest(signature.encode(), expected)):
        return None
    return conversation_id if time.time() - int(issued) < max_age_s else None


def conversation_of(settings: GatewaySettings, token: str | None) -> str | None:
    """``verified_id`` with the gateway's key and token lifetime."""
    return verified_id(signing_key(settings), token, settings.conversation_token_days * 86400)
