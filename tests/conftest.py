import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Scratch files (SQLite stores, var dirs) on tmpfs where the machine has one and TMPDIR is not chosen:
# they need no fsync, and on a busy 2-core machine the fsyncs of the stores' commits were half the
# fast suite's time (192 s against 108 s). Subprocesses (the stack, PostgreSQL) inherit it.
if "TMPDIR" not in os.environ and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
    os.environ["TMPDIR"] = tempfile.tempdir = "/dev/shm"

from tests.connectors.fakes import FakeTelegram, FakeZalo, serve  # noqa: E402
from tests.helpers import post_json  # noqa: E402

# Two Rasa workers (25005, 25006) whatever the machine's cores, so the routing between them is tested.
PORTS = {"RASA_PORT": "25005", "RASA_WORKERS": "2", "ACTION_PORT": "25055", "GATEWAY_PORT": "28000"}
FAKE_TELEGRAM_PORT, FAKE_ZALO_PORT = 28101, 28102
PORTAL_ORIGIN_PORT = 28201  # a provincial portal page on another origin, embedding the widget
IDENTITY_PROVIDER_PORT = 28301  # the citizens' OpenID Connect provider (tests/oidc_provider.py)
TEST_CITIZENS = {"an": "Nguyễn Văn An", "binh": "Trần Thị Bình"}
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
    "OIDC_ISSUER": f"http://127.0.0.1:{IDENTITY_PROVIDER_PORT}",
    "OIDC_CLIENT_ID": "tro-ly-dvc",
    "OIDC_CLIENT_SECRET": "bi-mat",
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
def identity_provider():
    """A real OpenID Connect provider on loopback for the stack's citizen logins."""
    from tests.oidc_provider import OidcProvider

    provider = OidcProvider(TEST_CITIZENS, CHANNEL_ENV["OIDC_CLIENT_ID"], CHANNEL_ENV["OIDC_CLIENT_SECRET"],
                            [f"http://127.0.0.1:{PORTS['GATEWAY_PORT']}/auth/callback"], IDENTITY_PROVIDER_PORT).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, fakes, identity_provider):
    """The real Rasa server, action server and gateway on loopback, channels pointed at the fakes and
    citizen login at the local identity provider."""
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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A browser test is slow too (Chromium starts, pages load and wait): out of the fast suite
    (``-m "not integration and not slow"``), still run by ``make test``."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
