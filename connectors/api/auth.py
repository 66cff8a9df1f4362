"""Bearer-token authentication for staff endpoints (officers, analytics)."""

from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, status

from connectors.settings import GatewaySettings, get_settings


def require_staff(
    authorization: str | None = Header(default=None), settings: GatewaySettings = Depends(get_settings)
) -> str:
    """Accept ``Authorization: Bearer <OFFICER_TOKEN>``; the API is off while no token is configured."""
    expected = settings.officer_token.get_secret_value()
    if not expected:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Staff API disabled: set OFFICER_TOKEN")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or missing bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    return "officer"
