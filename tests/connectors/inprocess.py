"""The gateway in-process: FastAPI's TestClient, with the Rasa core and Zalo's API behind an
``httpx.MockTransport`` (the end-to-end suite runs the real processes)."""

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from connectors.core import RASA_CHANNEL_HEADER, RASA_CHANNEL_PATH
from connectors.gateway import create_app
from connectors.settings import GatewaySettings

RASA = "http://rasa.test"
TOKEN = "staff-token"
RASA_TOKEN = "rasa-token"  # the secret Rasa's channel (bot/channel.py) shares with the gateway
STAFF = {"Authorization": f"Bearer {TOKEN}"}


class FakeCore:
    """Answers like Rasa's channel (the REST contract, only with the gateway's token) and records what
    it was sent; its HTTP API (with the token) reads ``intents`` (text -> intent name) and ``slots``
    (conversation -> slots)."""

    def __init__(self, replies=None, down=False):
        self.replies = replies if replies is not None else [{"text": "Chào bạn", "buttons": [{"title": "Lệ phí", "payload": "lệ phí"}]}]
        self.down = down
        self.sent: list[dict] = []
        self.zalo: list[dict] = []
        self.intents: dict[str, str] = {}
        self.slots: dict[str, dict] = {}

    def rasa_api(self, request: httpx.Request) -> httpx.Response | None:
        """/model/parse and /conversations/<id>/tracker, or None for another path."""
        path = request.url.path
        if path != "/model/parse" and not (path.startswith("/conversations/") and path.endswith("/tracker")):
            return None
        if request.url.params.get("token") != RASA_TOKEN:
            return httpx.Response(401, json={"message": "unauthorized"})
        if path == "/model/parse":
            text = json.loads(request.content)["text"]
            return httpx.Response(200, json={"text": text, "intent": {"name": self.intents.get(text, "nlu_fallback")}})
        # Rasa (Sanic) reads the id from the path undecoded: "web%3Ax" is not "web:x"'s tracker.
        raw = request.url.raw_path.decode().partition("?")[0]
        sender = raw.removeprefix("/conversations/").removesuffix("/tracker")
        return httpx.Response(200, json={"sender_id": sender, "slots": self.slots.get(sender, {})})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == RASA_CHANNEL_PATH:
            if self.down:
                raise httpx.ConnectError("refused", request=request)
            if request.headers.get(RASA_CHANNEL_HEADER) != RASA_TOKEN:
                return httpx.Response(401, json={"detail": "unauthorized"})
            body = json.loads(request.content)
            self.sent.append(body)
            return httpx.Response(200, json=[{"recipient_id": body["sender"], **r} for r in self.replies])
        api = self.rasa_api(request)
        if api is not None:
            return api
        if request.url.path in {"/status", "/health"}:
            return httpx.Response(503 if self.down else 200, json={})
        if request.url.path == "/v3.0/oa/message/cs":
            self.zalo.append(json.loads(request.content))
            return httpx.Response(200, json={"error": 0})
        return httpx.Response(404)


@pytest.fixture()
def gateway(app_db):
    """gateway(core, **settings) -> a TestClient on a fresh app store."""
    clients = []

    def make(core: FakeCore, **settings) -> TestClient:
        config = GatewaySettings(**{"rasa_url": RASA, "action_server_url": RASA, "officer_token": TOKEN,
                                    "rasa_auth_token": RASA_TOKEN, **settings})
        client = TestClient(create_app(config, transport=httpx.MockTransport(core)))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def chat(client, sender, text):
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert response.status_code == 200
    return response.json()
