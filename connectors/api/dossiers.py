"""Dossier drafts: the citizen's printable PDF and JSON (by secret link), and the staff status API."""

from __future__ import annotations

import asyncio
import hmac
import weakref
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from common.status import DossierStatus
from connectors.api.auth import require_staff
from connectors.ratelimit import limit_client_address
from dossiers.drafts import checklist, draft_json
from dossiers.pdf import declaration_pdf
from storage import audit, citizens

# Public links (a PDF is rendered per request): limited per client address like the other public routes.
router = APIRouter(tags=["dossiers"], dependencies=[Depends(limit_client_address)])
staff_router = APIRouter(tags=["dossiers"])  # in the staff schema only (connectors/gateway.py)
# A declaration holds a citizen's personal data: no browser, proxy or shared computer keeps a copy.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Rendering a PDF takes a core for a while: one at a time per gateway process, so a client fetching its
# link in a loop queues behind itself and the chat keeps the thread pool and the other cores.
_RENDERING: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def rendering() -> asyncio.Semaphore:
    """The running event loop's one rendering place (a semaphore belongs to one loop)."""
    return _RENDERING.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(1))


def owned(code: str, key: str) -> dict[str, Any]:
    """The dossier, if ``key`` is its access key (the link the citizen was given)."""
    dossier = citizens.get_dossier(code)
    if dossier is None or not hmac.compare_digest(key.encode(), dossier["access_key"].encode()):
        raise HTTPException(404, "Không tìm thấy hồ sơ")
    return dossier


@router.get("/dossiers/{code}.pdf")
async def dossier_pdf(code: str, key: str) -> Response:
    dossier = await run_in_threadpool(owned, code, key)
    async with rendering():
        pdf = await run_in_threadpool(declaration_pdf, dossier, checklist(dossier["procedure_code"]))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{dossier["code"]}.pdf"', **NO_STORE})


@router.get("/dossiers/{code}.json")
def dossier_json(code: str, key: str, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    return draft_json(owned(code, key))


STATUS_CHOICES = ", ".join(f"{s.value} ({s.label})" for s in DossierStatus)


class StatusUpdate(BaseModel):
    status: str = Field(description=f"a code or its Vietnamese label: {STATUS_CHOICES}")
    note: str | None = Field(default=None, max_length=2000, description="e.g. which paper is missing")


@staff_router.patch("/officer/dossiers/{code}")
def update_status(code: str, body: StatusUpdate, actor: str = Depends(require_staff)) -> dict[str, Any]:
    """For the one-stop system or an officer: set the status and a note the citizen will see."""
    if citizens.get_dossier(code) is None:
        raise HTTPException(404, "No such dossier")
    status = DossierStatus.parse(body.status)
    if status is None:
        raise HTTPException(422, f"status must be one of {STATUS_CHOICES}")
    draft = draft_json(citizens.set_dossier_status(code, status, body.note))
    audit.record(actor, "dossier_status", draft["code"], status.value)
    # The status record only: the declaration's personal data is not echoed to staff clients.
    return {key: draft[key] for key in ("code", "form", "procedure", "status", "status_code", "note")}
