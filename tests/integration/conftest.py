"""Start the real Rasa server, action server and gateway once for the integration tests."""

import json
import urllib.request

import pytest

from scripts.run import services

PORTS = {"RASA_PORT": "25005", "ACTION_PORT": "25055", "GATEWAY_PORT": "28000"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    with services({**PORTS, "VAR_DIR": str(var)}) as running:
        yield running


def post_json(url: str, payload: dict, timeout: float = 30) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


@pytest.fixture()
def chat(stack):
    """chat(sender, text) -> list of REST-channel replies through the gateway."""

    def send(sender: str, text: str) -> list[dict]:
        status, body = post_json(f"{stack.url('gateway')}/webhooks/rest/webhook", {"sender": sender, "message": text})
        assert status == 200, body
        return body

    return send
