"""Analytics for staff: top procedures, unanswered questions, satisfaction over a period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query

from connectors.api.auth import require_staff
from storage import analytics as questions
from storage.db import now

router = APIRouter(tags=["analytics"], dependencies=[Depends(require_staff)])


@router.get("/analytics")
def analytics_report(since: datetime | None = None, until: datetime | None = None,
                     top: int = Query(10, ge=1, le=100)) -> dict[str, Any]:
    """Period defaults to the last 30 days."""
    until = until or now()
    since = since or until - timedelta(days=30)
    return questions.analytics(since, until, top=top)
