"""The production topology running for real (`make run-replicas`): PostgreSQL, Redis, two action
servers, two Rasa servers, two gateways, nginx round-robin without stickiness. Turns of one
conversation land on different replicas and nothing is lost; killing one Rasa server and one action
server mid-form, the survivors answer and the form goes on; the supervisor restarts the killed ones."""

import json
import os
import re
import shutil
import signal
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from actions import messages as m
from connectors.messages import CORE_UNAVAILABLE
from dossiers.forms import FORMS
from knowledge.catalogue import get_procedure
from tests.connectors.fakes import wait_until
from tests.helpers import IssuedChat, staff_request

RESIDENCE = FORMS["ct01-to-khai-thay-doi-thong-tin-cu-tru"]

pytestmark = pytest.mark.integration
BASE = 26000


@pytest.fixture(scope="module")
def replicas():
    from scripts.replicas import replicated

    var = tempfile.mkdtemp(prefix="replicas-")  # under /tmp: PostgreSQL's own user must reach its data
    try:
        with replicated({"REPLICAS_BASE_PORT": str(BASE), "VAR_DIR": var, "RATE_LIMIT_CONVERSATION": "600/minute",
                         "RATE_LIMIT_ADDRESS": "100000/minute"}) as running:
            yield running
    finally:
        shutil.rmtree(var, ignore_errors=True)


CHATS: dict[str, IssuedChat] = {}


def chat(replicas, sender, text):
    """In a gateway-issued conversation, as the widget chats (forms need one)."""
    issued = CHATS.setdefault(replicas.url("nginx"), IssuedChat(replicas.url("nginx")))
    return "\n".join(r.get("text") or "" for r in issued(sender, text))


def access_log(replicas):
    return (Path(replicas.env["VAR_DIR"]) / "replicas" / "nginx" / "access.log").read_text().splitlines()


def upstreams(lines, port):
    """The replicas (upstream addresses) nginx sent webhook requests to, on one of its ports."""
    return {line.split()[-1] for line in lines if line.startswith(f"{port} ") and "/webhook" in line}


def health(replicas):
    try:
        with urllib.request.urlopen(staff_request(f"{replicas.url('nginx')}/healthz"), timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:  # 503 while a dependency is down
        return json.loads(err.read())


def test_every_process_runs_with_its_pid_file_and_the_stores_are_the_real_ones(replicas):
    run = Path(replicas.env["VAR_DIR"]) / "run"
    for name in ("postgres", "redis", "nginx", "rasa-1", "rasa-2", "actions-1", "actions-2", "gateway-1", "gateway-2"):
        assert int((run / f"{name}.pid").read_text()) == replicas.processes[name].pid
    report = health(replicas)
    assert report["status"] == "ok" and {"rasa-1", "rasa-2", "gateway-2"} <= set(report["processes"])
    assert replicas.env["APP_DB_URL"].startswith("postgresql") and replicas.env["RASA_ENDPOINTS"].endswith("production.yml")


def test_a_conversation_spread_over_the_replicas_keeps_its_context(replicas):
    sender = f"r-{uuid.uuid4().hex[:8]}"
    logged = len(access_log(replicas))
    first = chat(replicas, sender, "làm giấy khai sinh cho con")
    assert "(mã 1.001193)" in first
    birth = get_procedure("1.001193")
    assert birth.ways[0].fee in chat(replicas, sender, "thế còn lệ phí?")  # the follow-ups stay on the procedure
    assert "khai sinh" in chat(replicas, sender, "mất bao lâu").lower()
    turns = access_log(replicas)[logged:]
    assert len(upstreams(turns, BASE)) == 2  # both gateways served turns of this conversation
    assert len(upstreams(turns, BASE + 10)) == 2  # and both Rasa servers


def field_asked(text):
    return next((f for f in RESIDENCE.fields if f.question in text), None)


def test_killing_a_rasa_server_and_an_action_server_mid_form_loses_nothing(replicas):
    sender = f"k-{uuid.uuid4().hex[:8]}"
    asked = chat(replicas, sender, "điền tờ khai đăng ký tạm trú")
    assert field_asked(asked).key == "full_name", asked
    assert field_asked(chat(replicas, sender, "Trần Thị Mai")).key == "dob"
    before = {name: replicas.processes[name].pid for name in ("rasa-1", "actions-1")}
    for pid in before.values():
        os.kill(pid, signal.SIGKILL)
    after_kill = chat(replicas, sender, "12/12/1992")
    assert CORE_UNAVAILABLE not in after_kill and field_asked(after_kill).key == "sex", after_kill
    review = chat(replicas, sender, "xem lại")
    assert "Trần Thị Mai" in review and "12/12/1992" in review
    # the supervisor brings the killed processes back
    wait_until(lambda: all(replicas.processes[n].pid != pid and replicas.processes[n].poll() is None
                           for n, pid in before.items()), timeout=300, interval=1)
    wait_until(lambda: health(replicas)["status"] == "ok", timeout=120, interval=1)
    assert all(replicas.restarts[name] >= 1 for name in before)
    assert re.search(m.DOSSIER_CANCELLED[:20], chat(replicas, sender, "hủy"))
