"""Bearer-token authentication for staff endpoints (officers, analytics)."""

from __future__ import annotations

import hmac
import os

from fastapi import Header, HTTPException, status


def require_staff(authorization: str | None = Header(default=None)) -> str:
    """Accept ``Authorization: Bearer <OFFICER_TOKEN>``; the API is off while no token is configured."""
    expected = os.environ.get("OFFICER_TOKEN", "")
    if not expected:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "Staff API disabled: set OFFICER_TOKEN")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or missing bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    return "officer"
