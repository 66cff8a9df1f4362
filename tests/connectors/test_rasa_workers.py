"""Several Rasa workers on one node: the gateway keeps each conversation to one of them and hands it
to another only when its own cannot be reached at all."""

import httpx
import pytest

from connectors import messages as msg
from connectors.core import RASA_CHANNEL_PATH
from tests.connectors.inprocess import FakeCore, chat

WORKERS = ["http://rasa-1.test", "http://rasa-2.test"]


class Workers:
    """Two fake Rasa workers behind one transport; records which served each sender."""

    def __init__(self):
        self.cores = {url: FakeCore() for url in WORKERS}
        self.slow: set[str] = set()
        self.dropping: set[str] = set()  # killed with a kept-alive connection open: it fails on read

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = f"{request.url.scheme}://{request.url.host}"
        if url in self.slow and request.url.path == RASA_CHANNEL_PATH:
            raise httpx.ReadTimeout("no answer in time", request=request)
        if url in self.dropping and request.url.path == RASA_CHANNEL_PATH:
            raise httpx.ReadError("connection reset by peer", request=request)
        return self.cores[url](request)

    def served(self, url: str) -> list[str]:
        return [body["sender"] for body in self.cores[url].sent]


def test_each_conversation_keeps_to_one_worker_and_both_are_used(gateway):
    workers = Workers()
    client = gateway(workers, rasa_url=",".join(WORKERS), action_server_url=WORKERS[0])
    for turn in range(3):
        for sender in range(20):
            chat(client, f"citizen-{sender}", f"câu hỏi {turn}")
    first, second = (set(workers.served(url)) for url in WORKERS)
    assert first and second and not first & second
    assert len(workers.served(WORKERS[0])) + len(workers.served(WORKERS[1])) == 60


@pytest.mark.parametrize("death", ["refuses connections", "drops a kept-alive connection"])
def test_a_dead_worker_is_stood_in_for_and_health_says_so(gateway, death):
    workers = Workers()
    client = gateway(workers, rasa_url=",".join(WORKERS), action_server_url=WORKERS[0])
    for sender in range(10):
        chat(client, f"citizen-{sender}", "xin chào")
    assert workers.served(WORKERS[1])
    if death == "refuses connections":
        workers.cores[WORKERS[1]].down = True
    else:
        workers.dropping.add(WORKERS[1])
    for sender in range(10):
        assert msg.CORE_UNAVAILABLE not in chat(client, f"citizen-{sender}", "lệ phí")[0]["text"]
    assert [body["message"] for body in workers.cores[WORKERS[0]].sent].count("lệ phí") == 10
    if death == "refuses connections":
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["dependencies"]["rasa"] != "ok"


def test_a_slow_worker_is_not_asked_twice(gateway):
    """A timed-out turn may still be running: sending it to another worker could run it twice."""
    workers = Workers()
    workers.slow.add(WORKERS[0])
    client = gateway(workers, rasa_url=",".join(WORKERS), action_server_url=WORKERS[0])
    apologised = {f"rest:citizen-{sender}" for sender in range(10)
                  if chat(client, f"citizen-{sender}", "xin chào")[0]["text"] == msg.CORE_UNAVAILABLE}
    assert apologised and len(apologised) < 10  # the slow worker's conversations, and only those
    assert not apologised & set(workers.served(WORKERS[1]))
