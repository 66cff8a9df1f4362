"""Liveness of the gateway and of each dependency it needs."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, Response

from connectors.core import Core, get_core

router = APIRouter(tags=["health"])


async def _probe(client: httpx.AsyncClient, url: str) -> str:
    try:
        response = await client.get(url, timeout=2.0)
        return "ok" if response.status_code == 200 else f"http {response.status_code}"
    except httpx.HTTPError as exc:
        return f"down ({type(exc).__name__})"


@router.get("/healthz")
async def healthz(response: Response, core: Core = Depends(get_core)) -> dict[str, object]:
    checks = {
        "rasa": await _probe(core.http, f"{core.settings.rasa_url}/status"),
        "action_server": await _probe(core.http, f"{core.settings.action_server_url}/health"),
    }
    healthy = all(v == "ok" for v in checks.values())
    response.status_code = 200 if healthy else 503
    return {"status": "ok" if healthy else "degraded", "dependencies": checks}
