"""Request bodies are bounded before they are read, on every route (a 100 MB body must not be
buffered into the gateway's memory)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Limit:
    max_bytes: int
    message: str  # said in Vietnamese when the body is larger


class BodyLimit:
    """ASGI middleware: 413 when ``Content-Length`` or the streamed body exceeds the path's limit."""

    def __init__(self, app: ASGIApp, default: Limit, per_path: dict[str, Limit] | None = None) -> None:
        self.app = app
        self.default = default
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse({"detail": "Content-Length không hợp lệ"}, 400)(scope, receive, send)
                return
            if int(declared) > limit.max_bytes:
                await JSONResponse({"detail": limit.message}, 413)(scope, receive, send)
                return
        received, started, refused = 0, False, False

        async def bounded_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.max_bytes and not started:
                    # Answer now and tell the app the client is gone: frameworks turn any error
                    # while reading a body into their own 400, which must not be sent after ours.
                    await JSONResponse({"detail": limit.message}, 413)(scope, receive, send)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, bounded_receive, tracked_send)
