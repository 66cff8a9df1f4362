"""Liveness of the gateway and of each dependency it needs."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, Response

from connectors.api.rest import http_client
from connectors.settings import settings

router = APIRouter(tags=["health"])


async def _probe(client: httpx.AsyncClient, url: str) -> str:
    try:
        response = await client.get(url, timeout=2.0)
        return "ok" if response.status_code == 200 else f"http {response.status_code}"
    except httpx.HTTPError as exc:
        return f"down ({type(exc).__name__})"


@router.get("/healthz")
async def healthz(response: Response, client: httpx.AsyncClient = Depends(http_client)) -> dict[str, object]:
    checks = {
        "rasa": await _probe(client, f"{settings.rasa_url}/status"),
        "action_server": await _probe(client, f"{settings.action_server_url}/health"),
    }
    healthy = all(v == "ok" for v in checks.values())
    response.status_code = 200 if healthy else 503
    return {"status": "ok" if healthy else "degraded", "dependencies": checks}
