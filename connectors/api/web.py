"""The demo portal page, the embeddable widget and the kiosk page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(tags=["web"])

# No cache on the widget: portals embedding it get fixes at once.
NO_CACHE = {"Cache-Control": "no-cache"}


@router.get("/", include_in_schema=False)
def portal_demo() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/widget.js", include_in_schema=False)
def widget() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8", headers=NO_CACHE)


@router.get("/kiosk", include_in_schema=False)
def kiosk() -> FileResponse:
    return FileResponse(STATIC / "kiosk.html", media_type="text/html; charset=utf-8")


@router.get("/kiosk.js", include_in_schema=False)
def kiosk_script() -> FileResponse:
    return FileResponse(STATIC / "kiosk.js", media_type="text/javascript; charset=utf-8", headers=NO_CACHE)


@router.get("/kiosk/qrcode.js", include_in_schema=False)
def qr_library() -> FileResponse:
    """qrcode-generator (MIT, vendored): the kiosk shows a source link as a QR code, not a new tab."""
    return FileResponse(STATIC / "vendor" / "qrcode.js", media_type="text/javascript; charset=utf-8")
