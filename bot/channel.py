"""Rasa's only input channel: the REST contract, answering only the gateway.

Rasa's own ``rest`` channel answers anyone who reaches the port: a request naming ``telegram:<id>``
would get a reply and that citizen's tracker, past the gateway's namespacing and limits. This one
(``/webhooks/gateway/webhook``, registered in ``bot/credentials.yml``) serves the same JSON only to
requests carrying ``X-Gateway-Token: <RASA_AUTH_TOKEN>``, the secret the gateway already shares with
Rasa; anything else gets 401, and without a configured token every request does.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_HEADER = "X-Gateway-Token"


def authentic(expected: str, presented: str | None) -> bool:
    """The presented token is the configured one (never true when none is configured)."""
    return bool(expected) and hmac.compare_digest(expected.encode(), (presented or "").encode())


class GatewayInput(RestInput):
    """``RestInput`` behind a shared secret: the gateway is its only client."""

    def __init__(self, token: str) -> None:
        self.token = token

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        return cls(str((credentials or {}).get("token") or ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def only_the_gateway(request: Request) -> HTTPResponse | None:
            if not authentic(self.token, request.headers.get(TOKEN_HEADER)):
                return response.json({"detail": "unauthorized"}, status=401)
            return None

        return webhook
