"""Security headers on every response; a Content-Security-Policy without inline script on our pages."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The widget injects its stylesheet as a <style> element, hence 'unsafe-inline' for styles only;
# scripts come from our own files. The kiosk records speech and plays spoken answers (blob: audio).
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "media-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
               "object-src 'none'; frame-ancestors {ancestors}")


class SecurityHeaders:
    """ASGI middleware adding the headers; ``frame_ancestors`` lists who may frame our pages."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        self.page_policy = PAGE_POLICY.format(ancestors=frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", self.page_policy)
                    headers.setdefault("Permissions-Policy", "microphone=(self), camera=(), geolocation=()")
            await send(message)

        await self.app(scope, receive, with_headers)
