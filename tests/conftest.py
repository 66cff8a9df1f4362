import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from tests.connectors.fakes import FakeTelegram, FakeZalo, serve  # noqa: E402
from tests.helpers import post_json  # noqa: E402

PORTS = {"RASA_PORT": "25005", "ACTION_PORT": "25055", "GATEWAY_PORT": "28000"}
FAKE_TELEGRAM_PORT, FAKE_ZALO_PORT = 28101, 28102
PORTAL_ORIGIN_PORT = 28201  # a provincial portal page on another origin, embedding the widget
os.environ.setdefault("OFFICER_TOKEN", "test-officer-token")
CHANNEL_ENV = {
    "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
    "TELEGRAM_SECRET_TOKEN": "tg-secret-for-tests",
    "TELEGRAM_API_BASE": f"http://127.0.0.1:{FAKE_TELEGRAM_PORT}/bot",
    "ZALO_APP_ID": "4242",
    "ZALO_OA_SECRET_KEY": "oa-secret-for-tests",
    "ZALO_APP_SECRET": "app-secret-for-tests",
    "ZALO_API_BASE": f"http://127.0.0.1:{FAKE_ZALO_PORT}",
    "ZALO_OAUTH_BASE": f"http://127.0.0.1:{FAKE_ZALO_PORT}",
    "ZALO_ACCESS_TOKEN": "access-0",
    "ZALO_REFRESH_TOKEN": "refresh-0",
    "ALLOWED_ORIGINS": f"http://127.0.0.1:{PORTAL_ORIGIN_PORT}",
    # The suite plays many citizens from one address, some filling whole forms in seconds.
    "RATE_LIMIT_CONVERSATION": "600/minute",
    "RATE_LIMIT_ADDRESS": "100000/minute",
}


@pytest.fixture(scope="session")
def fakes():
    telegram = FakeTelegram(CHANNEL_ENV["TELEGRAM_BOT_TOKEN"])
    zalo = FakeZalo(CHANNEL_ENV["ZALO_APP_SECRET"], CHANNEL_ENV["ZALO_ACCESS_TOKEN"], CHANNEL_ENV["ZALO_REFRESH_TOKEN"])
    servers = [serve(telegram.app, FAKE_TELEGRAM_PORT), serve(zalo.app, FAKE_ZALO_PORT)]
    yield {"telegram": telegram, "zalo": zalo}
    for server in servers:
        server.should_exit = True


@pytest.fixture(scope="session")
def stack(tmp_path_factory, fakes):
    """The real Rasa server, action server and gateway on loopback, channels pointed at the fakes."""
    from scripts.run import services

    var = tmp_path_factory.mktemp("var")
    with services({**PORTS, **CHANNEL_ENV, "VAR_DIR": str(var)}) as running:
        yield running


@pytest.fixture()
def chat(stack):
    """chat(sender, text) -> list of REST-channel replies through the gateway."""

    def send(sender: str, text: str) -> list[dict]:
        status, body = post_json(f"{stack.url('gateway')}/webhooks/rest/webhook", {"sender": sender, "message": text})
        assert status == 200, body
        return body

    return send


@pytest.fixture()
def app_db(tmp_path):
    """A fresh SQLite app store for one in-process test (migrated on first use)."""
    from storage import db

    db.configure(f"sqlite:///{tmp_path / 'app.db'}")
    yield db
    db.configure(None)
