"""Abuse limits: how often one conversation, and one client address, may ask.

The ``limits`` library with a moving window; its storage is in memory for the embedded set-up and
Redis (``RATE_LIMIT_STORAGE=redis://host:6379``) when several gateway replicas must share counts.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from limits import parse, storage, strategies

from connectors import messages as msg
from connectors.settings import GatewaySettings


class RateLimits:
    def __init__(self, settings: GatewaySettings) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(settings.rate_limit_storage))
        self._conversation = parse(settings.rate_limit_conversation)
        self._address = parse(settings.rate_limit_address)

    def conversation_allowed(self, conversation_id: str) -> bool:
        """One more message of this conversation, whatever its channel?"""
        return self._limiter.hit(self._conversation, "conversation", conversation_id)

    def address_allowed(self, address: str) -> bool:
        return self._limiter.hit(self._address, "address", address)


def limit_client_address(request: Request) -> None:
    """Dependency for public routes: 429 with a polite Vietnamese message past the per-address limit.
    The address is the peer's, or the one ``TRUSTED_PROXIES`` forwarded (never a header a client set)."""
    address = request.client.host if request.client else "unknown"
    if not request.app.state.core.limits.address_allowed(address):
        raise HTTPException(429, msg.RATE_LIMITED, headers={"Retry-After": "60"})
