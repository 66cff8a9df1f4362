"""Analytics for staff: top procedures, unanswered questions, satisfaction over a period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends

from connectors.api.auth import require_staff
from dossiers import store

router = APIRouter(tags=["analytics"], dependencies=[Depends(require_staff)])


@router.get("/analytics")
def analytics(since: datetime | None = None, until: datetime | None = None, top: int = 10) -> dict[str, Any]:
    """Period defaults to the last 30 days."""
    until = until or store.now()
    since = since or until - timedelta(days=30)
    return store.analytics(since, until, top=top)
