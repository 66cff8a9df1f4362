"""Rasa answers only the gateway: the channels of bot/credentials.yml, served by Rasa's own app on a
real port, refuse a client that does not carry the gateway's token. Runs in the Rasa environment."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.integration  # needs .venv-rasa

SERVE = """
import asyncio, json, socket
import aiohttp
from rasa.core.run import configure_app, create_http_input_channels

class Agent:  # stands in for the trained model: says who asked, from which channel
    async def handle_message(self, message):
        await message.output_channel.send_text_message(
            message.recipient_id if hasattr(message, "recipient_id") else message.sender_id,
            f"tracker {message.sender_id} ({message.input_channel})")

app = configure_app(create_http_input_channels(None, "bot/credentials.yml"), enable_api=False, use_uvloop=False)
app.ctx.agent = Agent()
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
sock.close()
PROBES = [
    ("rest channel", "/webhooks/rest/webhook", {}),
    ("no token", "/webhooks/gateway/webhook", {}),
    ("wrong token", "/webhooks/gateway/webhook", {"X-Gateway-Token": "guess"}),
    ("gateway", "/webhooks/gateway/webhook", {"X-Gateway-Token": "s3cret-token"}),
]

async def main():
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    await server.start_serving()
    seen = {}
    async with aiohttp.ClientSession() as session:
        for name, path, headers in PROBES:
            body = {"sender": "telegram:5004", "message": "xin chào", "input_channel": "telegram"}
            async with session.post(f"http://127.0.0.1:{port}{path}", json=body, headers=headers) as response:
                seen[name] = [response.status, await response.text()]
        async with session.get(f"http://127.0.0.1:{port}/") as response:  # the probes' route stays open
            seen["root"] = [response.status, await response.text()]
    server.close()
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_only_the_gateway_gets_an_answer_from_rasa():
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", SERVE], cwd=ROOT, capture_output=True,
                          text=True, timeout=180,
                          env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_AUTH_TOKEN": "s3cret-token"})
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # Rasa's open REST channel is gone: naming a Telegram chat gets no reply and touches no tracker.
    assert seen["rest channel"][0] == 404
    for probe in ("no token", "wrong token"):
        status, body = seen[probe]
        assert status == 401 and "telegram:5004" not in body, probe
    assert seen["root"][0] == 200
    status, body = seen["gateway"]
    assert status == 200
    assert json.loads(body) == [{"recipient_id": "telegram:5004", "text": "tracker telegram:5004 (telegram)"}]
