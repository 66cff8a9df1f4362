"""Local fake servers that speak the real wire formats of Telegram's Bot API and Zalo's OA API."""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request

STARTUP_SECONDS = 30


def serve(app: FastAPI, port: int) -> uvicorn.Server:
    """Run ``app`` on 127.0.0.1:port in a background thread; returns the server (set should_exit to stop)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS  # a loaded CI machine once took over 5 s
    while time.monotonic() < deadline and thread.is_alive():
        if server.started:
            return server
        time.sleep(0.05)
    raise RuntimeError(f"fake server on {port} did not start" + ("" if thread.is_alive() else " (it exited: port in use?)"))


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


class FakeTelegram:
    """Bot API at /bot{token}/{method}: parameters form-encoded (JSON-encoded values) or multipart."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self.app = FastAPI()
        self.app.add_api_route("/bot{token}/{method}", self.handle, methods=["GET", "POST"])

    def sent(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))]

    @staticmethod
    def _value(raw: Any) -> Any:
        if hasattr(raw, "read"):  # an uploaded file
            return {"filename": raw.filename, "size": len(raw.file.read())}
        try:
            return json.loads(raw)
        except (TypeError, ValueError):
            return raw

    async def handle(self, token: str, method: str, request: Request) -> dict[str, Any]:
        if token != self.token:
            return {"ok": False, "error_code": 401, "description": "Unauthorized"}
        form = await request.form() if request.method == "POST" else request.query_params
        params = {k: self._value(v) for k, v in form.items()}
        self.calls.append((method, params))
        now = int(time.time())
        chat = {"id": int(params.get("chat_id", 0) or 0), "type": "private", "first_name": "Dân"}
        if method == "getMe":
            result: Any = {"id": 777, "is_bot": True, "first_name": "Trợ lý DVC", "username": "dvc_test_bot"}
        elif method == "getUpdates":
            result, self.updates = self.updates, []
        elif method == "sendMessage":
            result = {"message_id": next(self._ids), "date": now, "chat": chat, "text": params.get("text", "")}
        elif method == "sendDocument":
            document = params.get("document") or {}
            result = {"message_id": next(self._ids), "date": now, "chat": chat,
                      "document": {"file_id": "f1", "file_unique_id": "u1", "file_name": document.get("filename")}}
        else:  # deleteWebhook, setWebhook, answerCallbackQuery, close...
            result = True
        return {"ok": True, "result": result}


def telegram_text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"}}}


def telegram_callback_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "chat_instance": "ci", "data": data,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"},
        "message": {"message_id": 1, "date": int(time.time()), "text": "…",
                    "chat": {"id": chat_id, "type": "private", "first_name": "Dân"}}}}


class FakeZalo:
    """OA API v3 ``/v3.0/oa/message/cs`` and OAuth v4 ``/v4/oa/access_token`` with single-use refresh tokens."""

    def __init__(self, app_secret: str, access_token: str, refresh_token: str) -> None:
        self.app_secret = app_secret
        self.valid_access = {access_token}
        self.valid_refresh = {refresh_token}
        self.messages: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.refreshes = 0
        self.force_error: int | None = None
        self._ids = itertools.count(1)
        self.app = FastAPI()
        self.app.add_api_route("/v3.0/oa/message/cs", self.send, methods=["POST"])
        self.app.add_api_route("/v4/oa/access_token", self.refresh, methods=["POST"])

    def expire_access_tokens(self) -> None:
        self.valid_access.clear()

    def to(self, user_id: str) -> list[dict[str, Any]]:
        return [m["message"] for m in self.messages if m["recipient"]["user_id"] == user_id]

    async def send(self, request: Request) -> dict[str, Any]:
        body = await request.json()
        if self.force_error is not None:
            self.rejected.append(body)
            return {"error": self.force_error, "message": "forced"}
        if request.headers.get("access_token") not in self.valid_access:
            self.rejected.append(body)
            return {"error": -216, "message": "Access token is invalid"}
        self.messages.append(body)
        return {"error": 0, "message": "Success", "data": {"message_id": f"m{next(self._ids)}"}}

    async def refresh(self, request: Request) -> dict[str, Any]:
        form = await request.form()
        if request.headers.get("secret_key") != self.app_secret or form.get("grant_type") != "refresh_token":
            return {"error": -14002, "error_name": "Invalid secret"}
        token = form.get("refresh_token")
        if token not in self.valid_refresh:
            return {"error": -14014, "error_name": "Invalid refresh token"}
        self.valid_refresh.discard(token)  # single use
        self.refreshes += 1
        access, refresh = f"access-{self.refreshes}", f"refresh-{self.refreshes}"
        self.valid_access.add(access)
        self.valid_refresh.add(refresh)
        return {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}
