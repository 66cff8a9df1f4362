"""Probes from the attack run, in-process: identities the gateway decides, officer replies kept
private and pushed, no 500 on malformed webhooks, bounded bodies, CORS for embedding portals."""

import json
import time

import pytest

from connectors import messages as msg
from connectors.zalo import signature
from tests.connectors.inprocess import RASA, STAFF, FakeCore, chat

ZALO = {"zalo_app_id": "42", "zalo_oa_secret_key": "oa-secret", "zalo_api_base": RASA,
        "zalo_access_token": "a0", "zalo_refresh_token": "r0"}


def conversation(client) -> tuple[str, dict]:
    issued = client.post("/webhooks/rest/conversations").json()
    return issued["sender"], {"X-Conversation-Token": issued["token"]}


def test_a_rest_client_cannot_name_a_telegram_or_zalo_conversation(gateway):
    core = FakeCore()
    client = gateway(core)
    chat(client, "telegram:5004", "thông tin của tôi")
    chat(client, "zalo:z1", "xóa thông tin của tôi")
    assert [s["sender"] for s in core.sent] == ["rest:telegram:5004", "rest:zalo:z1"]


def test_issued_conversations_are_bound_to_their_token(gateway):
    core = FakeCore()
    client = gateway(core)
    sender, token = conversation(client)
    other, _ = conversation(client)
    assert sender != other and len(sender) >= 20
    reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "xin chào"}, headers=token)
    assert reply.status_code == 200 and reply.json()[0]["recipient_id"] == sender
    assert core.sent[-1]["sender"] == f"web:{sender}" and core.sent[-1]["input_channel"] == "web"
    # Someone else's id with this token, or a forged token: refused.
    assert client.post("/webhooks/rest/webhook", json={"sender": other, "message": "x"}, headers=token).status_code == 403
    forged = {"X-Conversation-Token": f"{other}.AAAA"}
    refused = client.post("/webhooks/rest/webhook", json={"sender": other, "message": "x"}, headers=forged)
    assert refused.status_code == 401 and refused.json()["detail"] == msg.CONVERSATION_EXPIRED


def test_officer_replies_reach_only_the_conversation_that_holds_the_token(gateway):
    from storage import handover

    client = gateway(FakeCore())
    sender, token = conversation(client)
    queued = handover.open_handover("web", f"web:{sender}", [])
    client.post(f"/officer/conversations/{queued}/reply", headers=STAFF, json={"text": "Chào bạn, tôi là cán bộ"})
    # The attacks of the probe: naming the conversation, polling without or with another token.
    assert client.get(f"/webhooks/rest/outbox/{sender}").status_code == 404
    assert client.get("/webhooks/rest/outbox").status_code == 401
    _, stranger = conversation(client)
    assert client.get("/webhooks/rest/outbox", headers=stranger).json() == []
    assert client.get("/webhooks/rest/outbox", headers=token).json() == [
        {"recipient_id": sender, "text": "Chào bạn, tôi là cán bộ", "custom": {"author": "officer"}}]


def test_officer_replies_are_pushed_to_zalo_at_once_and_kept_masked(gateway):
    from storage import handover

    core = FakeCore()
    client = gateway(core, **ZALO)
    queued = handover.open_handover("zalo", "zalo:z9", [("citizen", "cho tôi gặp cán bộ")])
    answer = client.post(f"/officer/conversations/{queued}/reply", headers=STAFF,
                         json={"text": "Chị gửi lại số CCCD 079192012345 giúp em"})
    assert answer.json() == {"status": "active", "pushed": 1}
    assert core.zalo[0]["recipient"] == {"user_id": "z9"} and "079192012345" in core.zalo[0]["message"]["text"]
    transcript = client.get("/officer/conversations?status=active", headers=STAFF).json()[0]["transcript"]
    assert transcript[-1]["text"] == "Chị gửi lại số CCCD 079******345 giúp em"


def test_staff_status_change_does_not_echo_personal_data(gateway):
    from storage import citizens

    client = gateway(FakeCore())
    code = citizens.create_dossier("rest:u", "1.004222", "ct01-to-khai-thay-doi-thong-tin-cu-tru",
                                   {"full_name": "Trần Thị Mai", "id_number": "079192012345"})["code"]
    body = client.patch(f"/officer/dossiers/{code}", headers=STAFF, json={"status": "đã nộp"}).text
    assert "079192012345" not in body and "Trần Thị Mai" not in body and "đã nộp" in body


def signed_zalo(body: dict) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    mac = signature("42", raw, str(body.get("timestamp")), "oa-secret")
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


@pytest.mark.parametrize("body", [
    {"app_id": "42", "event_name": "user_send_text", "timestamp": "abc", "sender": {"id": "z"}, "message": {"text": "a"}},
    {"app_id": "42", "event_name": "user_send_text", "timestamp": 1, "sender": "z", "message": {"text": "a"}},
    {"app_id": "42", "event_name": "user_send_text", "timestamp": time.time() * 1000, "sender": {"id": "z"},
     "message": {"text": "a"}},  # milliseconds, but a float: signed and fresh, still no Zalo timestamp
    {"app_id": "42", "event_name": "user_send_text", "timestamp": 1, "sender": {"id": "z"},
     "message": {"text": "a", "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}},
])
def test_malformed_zalo_events_are_400_not_500(gateway, body):
    raw, headers = signed_zalo(body)
    if "[[[[" in raw.decode():  # nested deeper than Python's parser goes, and still signed by our OA
        raw = raw.replace(b"[" * 30, b"[" * 100_000).replace(b"]" * 30, b"]" * 100_000)
        headers["X-ZEvent-Signature"] = f"mac={signature('42', raw, '1', 'oa-secret')}"
    client = gateway(FakeCore(), **ZALO, max_body_bytes=1024 * 1024)
    assert client.post("/webhooks/zalo", content=raw, headers=headers).status_code == 400


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000, '{"a":' * 60_000 + "1" + "}" * 60_000,
    '{"timestamp": ' + "[" * 100_000 + "]" * 100_000 + "}", '{"timestamp": ' + "9" * 200_000 + "}",
    '{"timestamp": "' + "9" * 200_000 + '"}', '{"timestamp": NaN}', '{"timestamp": 1, "timestamp": 2}',
    json.dumps({"app_id": "42", "event_name": "user_send_text", "sender": {"id": "z"}, "message": {"text": "a"}}),
    json.dumps({"app_id": "42", "event_name": "user_send_text", "timestamp": True, "sender": {"id": "z"}}),
])
@pytest.mark.parametrize("mac", [None, "mac=00", "mac=é".encode("latin-1")])
def test_unsigned_zalo_bodies_are_refused_before_they_are_parsed(gateway, body, mac, monkeypatch):
    """Attack run 3: deeply nested JSON was parsed before the signature was checked (500, a traceback
    in the log each time). The signature is checked on the raw body first; a body it does not cover
    (no timestamp to check it with) is refused the same way."""
    import connectors.api.zalo as route

    parsed = []
    monkeypatch.setattr(route, "parse_event", lambda raw: parsed.append(raw))
    headers = {"Content-Type": "application/json", **({"X-ZEvent-Signature": mac} if mac else {})}
    client = gateway(FakeCore(), **ZALO, max_body_bytes=1024 * 1024)
    assert client.post("/webhooks/zalo", content=body.encode(), headers=headers).status_code == 401
    assert parsed == []


def test_zalo_events_without_msg_id_are_not_taken_for_retries_of_each_other(gateway):
    core = FakeCore()
    client = gateway(core, **ZALO)
    for text in ("lam cccd o dau", "dang ky ket hon"):
        event = {"app_id": "42", "event_name": "user_send_text", "timestamp": int(time.time() * 1000),
                 "sender": {"id": "z2"}, "recipient": {"id": "oa"}, "message": {"text": text}}
        raw, headers = signed_zalo(event)
        assert client.post("/webhooks/zalo", content=raw, headers=headers).status_code == 200
        client.post("/webhooks/zalo", content=raw, headers=headers)  # Zalo's retry of the same event
    assert [s["message"] for s in core.sent] == ["lam cccd o dau", "dang ky ket hon"]


def test_markup_and_zero_width_characters_are_cleaned_before_the_core(gateway):
    core = FakeCore()
    client = gateway(core)
    chat(client, "u", "&lt;img src=x onerror=alert(1)&gt;làm giấy khai\u200bsinh")
    chat(client, "u", "l\u200bà\u200bm giấy khai sinh")
    assert [s["message"] for s in core.sent] == ["làm giấy khaisinh", "làm giấy khai sinh"]
    assert "<" not in json.dumps(core.sent)


def test_huge_bodies_are_refused_before_they_are_read(gateway):
    client = gateway(FakeCore(), max_body_bytes=64 * 1024)
    declared = client.post("/webhooks/rest/webhook", content=b"{}", headers={
        "Content-Type": "application/json", "Content-Length": str(100 * 1024 * 1024)})
    assert declared.status_code == 413 and declared.json()["detail"] == msg.BODY_TOO_LARGE

    def stream():
        for _ in range(100):
            yield b" " * 4096

    streamed = client.post("/webhooks/rest/webhook", content=stream(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/webhooks/zalo", content=b"x" * (65 * 1024)).status_code == 413
    assert chat(client, "u", "xin chào")[0]["text"] == "Chào bạn"  # ordinary messages pass


def test_cors_allows_only_the_configured_portals(gateway):
    client = gateway(FakeCore(), allowed_origins="https://dichvucong.example.gov.vn, https://portal.test")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-conversation-token"}
    allowed = client.options("/webhooks/rest/webhook", headers={"Origin": "https://portal.test", **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://portal.test"
    assert "x-conversation-token" in allowed.headers["access-control-allow-headers"].lower()
    refused = client.options("/webhooks/rest/webhook", headers={"Origin": "https://evil.test", **preflight})
    assert "access-control-allow-origin" not in refused.headers


def test_one_conversation_and_one_address_are_limited_politely(gateway):
    core = FakeCore()
    client = gateway(core, rate_limit_conversation="3/minute", rate_limit_address="6/minute")
    replies = [chat(client, "u-fast", f"câu hỏi {i}")[0]["text"] for i in range(4)]
    assert replies[:3] == ["Chào bạn"] * 3 and replies[3] == msg.RATE_LIMITED and len(core.sent) == 3
    assert chat(client, "u-other", "xin chào")[0]["text"] == "Chào bạn"  # another conversation still chats
    chat(client, "u-third", "xin chào")
    refused = client.post("/webhooks/rest/webhook", json={"sender": "u-4", "message": "x"})
    assert refused.status_code == 429 and refused.json()["detail"] == msg.RATE_LIMITED


def test_dossier_links_are_limited_per_address_like_other_public_routes(gateway):
    """A PDF is rendered per request: guessing or hammering dossier links is limited per address too."""
    client = gateway(FakeCore(), rate_limit_address="2/minute")
    statuses = [client.get("/dossiers/HS-2026-000001.pdf", params={"key": "guess"}).status_code for _ in range(2)]
    statuses.append(client.get("/dossiers/HS-2026-000001.json", params={"key": "guess"}).status_code)
    assert statuses == [404, 404, 429]
    refused = client.get("/dossiers/HS-2026-000001.pdf", params={"key": "guess"})
    assert refused.status_code == 429 and refused.json()["detail"] == msg.RATE_LIMITED


def test_pages_carry_a_policy_without_inline_script(gateway):
    client = gateway(FakeCore(), frame_ancestors="'self' https://dichvucong.example.gov.vn")
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'self' https://dichvucong.example.gov.vn" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text  # nothing inline that the policy would block
    assert "content-security-policy" not in client.get("/widget.js").headers


def test_no_api_page_that_our_policy_would_break_or_that_loads_a_cdn(gateway):
    client = gateway(FakeCore())
    for page in ("/docs", "/docs/oauth2-redirect", "/redoc"):
        assert client.get(page).status_code == 404, page
    schema = client.get("/openapi.json")
    assert schema.status_code == 200 and schema.json()["paths"]  # what an OpenAPI viewer reads


def started_gateway(tmp_path, **env):
    """The gateway as the supervisor starts it (scripts/run.py's command), on a free loopback port."""
    import os
    import socket
    import subprocess
    import urllib.request

    from scripts.run import ROOT, gateway_process
    from tests.connectors.fakes import wait_until

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    process = gateway_process(port)
    proc = subprocess.Popen(process.command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT),
                            "VAR_DIR": str(tmp_path), "APP_DB_URL": f"sqlite:///{tmp_path / 'app.db'}", **env})

    def live() -> bool:
        try:
            with urllib.request.urlopen(f"{process.url}/livez", timeout=2) as response:
                return response.status == 200
        except OSError:
            assert proc.poll() is None, "the gateway exited"
            return False

    wait_until(live, timeout=60)
    return process.url, proc


def statuses_claiming_other_addresses(url: str, count: int) -> list[int]:
    import httpx

    return [httpx.post(f"{url}/webhooks/rest/conversations", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            for i in range(count)]


def test_a_client_cannot_escape_the_address_limit_by_claiming_another_address(tmp_path):
    url, proc = started_gateway(tmp_path, RATE_LIMIT_ADDRESS="3/minute")
    try:
        assert statuses_claiming_other_addresses(url, 5) == [200, 200, 200, 429, 429]
    finally:
        proc.terminate()
        proc.wait(10)


def test_only_a_trusted_proxy_says_whose_request_it_is(gateway):
    client = gateway(FakeCore(), rate_limit_address="2/minute", trusted_proxies="testclient")  # the test client's peer
    forwarded = [client.post("/webhooks/rest/conversations", headers={"X-Forwarded-For": f"203.0.113.{i % 2}"})
                 for i in range(4)]
    assert [r.status_code for r in forwarded] == [200, 200, 200, 200]  # two citizens behind our proxy, two each
    assert client.post("/webhooks/rest/conversations", headers={"X-Forwarded-For": "203.0.113.0"}).status_code == 429
    stranger = gateway(FakeCore(), rate_limit_address="2/minute", trusted_proxies="192.0.2.1")
    claimed = [stranger.post("/webhooks/rest/conversations", headers={"X-Forwarded-For": f"203.0.113.{i}"})
               for i in range(3)]
    assert [r.status_code for r in claimed] == [200, 200, 429]  # not our proxy: its claims are ignored


def test_a_declaration_downloaded_is_kept_by_no_browser_or_proxy_cache(gateway):
    from storage import citizens

    client = gateway(FakeCore())
    dossier = citizens.create_dossier("web:c", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {"purpose": "Kết hôn"})
    for suffix in ("pdf", "json"):
        response = client.get(f"/dossiers/{dossier['code']}.{suffix}", params={"key": dossier["access_key"]})
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", suffix


def test_a_conversation_token_expires_and_the_client_starts_a_new_one(gateway, monkeypatch):
    core = FakeCore()
    client = gateway(core, conversation_token_days=30)
    sender, token = conversation(client)
    _, kiosk = client.post("/webhooks/rest/conversations", json={"device": "kiosk"}).json().values()
    kiosk = {"X-Conversation-Token": kiosk}
    assert client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "xin chào"},
                       headers=token).status_code == 200
    issued_at = time.time()
    monkeypatch.setattr(time, "time", lambda: issued_at + 29 * 86400)
    assert client.get("/webhooks/rest/outbox", headers=token).status_code == 200
    monkeypatch.setattr(time, "time", lambda: issued_at + 31 * 86400)
    for expired in (client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "xin chào"}, headers=token),
                    client.get("/webhooks/rest/outbox", headers=token),
                    client.get("/auth/me", headers=token),
                    client.post("/kiosk/tts", json={"text": "xin chào"}, headers=kiosk)):
        assert expired.status_code == 401 and expired.json()["detail"] == msg.CONVERSATION_EXPIRED, expired.url
    # What the widget does on a 401: a new conversation, which works.
    sender, token = conversation(client)
    assert client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "xin chào"},
                       headers=token).status_code == 200
    assert core.sent[-1]["sender"] == f"web:{sender}"


def test_a_token_without_its_time_of_issue_is_refused(gateway):
    """Tokens issued before expiry existed (the id and its signature only) never expired: refused now."""
    import base64
    import hashlib
    import hmac

    from connectors.conversations import signing_key

    client = gateway(FakeCore())
    sender, _ = conversation(client)
    signature = base64.urlsafe_b64encode(hmac.new(signing_key(client.app.state.settings), sender.encode(),
                                                  hashlib.sha256).digest()).decode().rstrip("=")
    old = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "x"},
                      headers={"X-Conversation-Token": f"{sender}.{signature}"})
    assert old.status_code == 401 and old.json()["detail"] == msg.CONVERSATION_EXPIRED


def test_a_telegram_update_whose_chat_id_is_no_integer_is_400(gateway):
    """python-telegram-bot takes any JSON value as a chat id; replies go to int(chat id), which raised
    ValueError after the webhook had accepted the update."""
    import asyncio
    from types import SimpleNamespace

    from telegram import Bot

    from tests.connectors.fakes import telegram_callback_update, telegram_text_update

    client = gateway(FakeCore(), telegram_secret_token="tg-secret")
    queued = asyncio.Queue()
    client.app.state.telegram = SimpleNamespace(bot=Bot("123:TEST"), update_queue=queued)  # the Application's part
    secret = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}
    try:
        for chat_id in ("abc", "5001", 5.5, True, None):
            for update in (telegram_text_update(1, chat_id, "xin chào"), telegram_callback_update(2, chat_id, "k")):
                answer = client.post("/webhooks/telegram", json=update, headers=secret)
                assert answer.status_code == 400, (chat_id, update)
        deep = "[" * 100_000 + "]" * 100_000  # with the secret, nested deeper than Python's parser goes
        assert client.post("/webhooks/telegram", content=deep, headers=secret).status_code == 400
        assert queued.empty()
        good = client.post("/webhooks/telegram", json=telegram_text_update(3, 5001, "xin chào"), headers=secret)
        assert good.json() == {"ok": True} and queued.get_nowait().effective_chat.id == 5001
    finally:
        client.app.state.telegram = None  # nothing to stop


def test_declarations_are_rendered_one_at_a_time_so_downloads_cannot_crowd_out_the_chat(gateway, monkeypatch):
    """Forty downloads of one's own link at once (the third attack run's P83) render one after another."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from connectors.api import dossiers as route
    from storage import citizens

    client = gateway(FakeCore(), rate_limit_address="10000/minute")
    dossier = citizens.create_dossier("web:c", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {"purpose": "Kết hôn"})
    rendering, most, lock, real = [0], [0], threading.Lock(), route.declaration_pdf

    def counted(*args):
        with lock:
            rendering[0] += 1
            most[0] = max(most[0], rendering[0])
        try:
            time.sleep(0.05)
            return real(*args)
        finally:
            with lock:
                rendering[0] -= 1

    monkeypatch.setattr(route, "declaration_pdf", counted)
    get = lambda _: client.get(f"/dossiers/{dossier['code']}.pdf", params={"key": dossier["access_key"]})  # noqa: E731
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(get, range(8)))
    assert all(r.status_code == 200 and r.content.startswith(b"%PDF") for r in responses)
    assert most[0] == 1
