"""The gateway, not the client, says which client sent a message: its address, keyed, goes to the core
as ``metadata.client`` (the officers' queue is capped per client with it)."""

from tests.connectors.inprocess import FakeCore


def test_the_gateway_sets_the_client_and_a_client_cannot(gateway):
    core = FakeCore()
    client = gateway(core)
    client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "cho tôi gặp cán bộ"})
    client.post("/webhooks/rest/webhook", json={"sender": "u2", "message": "cho tôi gặp cán bộ",
                                                 "metadata": {"client": "someone-else"}})
    started = client.post("/webhooks/rest/conversations").json()
    client.post("/webhooks/rest/webhook", json={"sender": started["sender"], "message": "gặp cán bộ"},
                headers={"X-Conversation-Token": started["token"]})
    keys = {sent["metadata"]["client"] for sent in core.sent}
    assert len(core.sent) == 3 and len(keys) == 1  # one client, whatever sender or conversation it names
    assert "someone-else" not in keys and "testclient" not in keys.pop()  # keyed, never the address itself
