"""The action server as rasa-sdk builds it with our plugin (rasa_sdk_plugins), in-process over ASGI:
it answers only Rasa, and a request it has no route for keeps its status (no 500)."""

import asyncio

import httpx
import pytest
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

TOKEN = "action-token"


@pytest.fixture()
def action_server(monkeypatch):
    """request(method, path, **kwargs) -> the response of a started action server (empty executor)."""
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    monkeypatch.setattr(Sanic, "test_mode", True)  # one app of the name per test
    app = create_app_for_serve(ActionExecutor())

    async def requests(calls):
        started, events = asyncio.Queue(), asyncio.Queue()
        await events.put({"type": "lifespan.startup"})
        lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, events.get, started.put))
        assert (await started.get())["type"] == "lifespan.startup.complete"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://actions") as client:
            answers = [await client.request(method, path, **kwargs) for method, path, kwargs in calls]
        lifespan.cancel()
        return answers

    return lambda *calls: asyncio.run(requests(calls))


def test_a_wrong_method_or_path_is_a_4xx_not_a_500(action_server):
    rasa = {"headers": {"X-Action-Token": TOKEN}}
    health, post_health, unknown, get_webhook, stranger = action_server(
        ("GET", "/health", {}), ("POST", "/health", {}), ("GET", "/nothing", rasa), ("GET", "/webhook", rasa),
        ("GET", "/nothing", {}))
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert post_health.status_code == 405 and "GET" in post_health.headers["Allow"]
    assert unknown.status_code == 404 and get_webhook.status_code == 405
    assert stranger.status_code == 401  # without Rasa's token, not even which paths exist
