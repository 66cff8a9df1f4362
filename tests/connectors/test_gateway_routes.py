"""Gateway routes in-process: FastAPI's TestClient, with the Rasa core and Zalo's API behind an
``httpx.MockTransport`` (the end-to-end suite runs the real processes)."""

import json
import time

import pytest

from connectors import messages as msg
from connectors.zalo import signature
from tests.connectors.inprocess import RASA, STAFF, FakeCore, chat


def test_rest_message_reaches_the_core_cleaned_with_its_channel(gateway):
    core = FakeCore(replies=[{"text": "Hồ sơ", "custom": {"document": {"url": "/dossiers/x.pdf", "filename": "x.pdf"}}}])
    replies = chat(gateway(core), "u1", "  <b>làm   giấy khai sinh</b> ")
    client = core.sent[0].pop("metadata")["client"]  # the gateway's keyed client address (the queue's caps)
    assert core.sent == [{"sender": "rest:u1", "message": "làm giấy khai sinh", "input_channel": "rest"}]
    assert len(client) == 32 and "testclient" not in client
    assert replies == [{"recipient_id": "u1", "text": "Hồ sơ",
                        "custom": {"document": {"url": "/dossiers/x.pdf", "filename": "x.pdf"}}}]


@pytest.mark.parametrize(("text", "expected"), [("", msg.EMPTY_MESSAGE), ("   ", msg.EMPTY_MESSAGE), ("😀👍", msg.NO_TEXT)])
def test_input_the_core_should_not_see_is_answered_by_the_gateway(gateway, text, expected):
    core = FakeCore()
    assert chat(gateway(core), "u2", text) == [{"recipient_id": "u2", "text": expected}]
    assert core.sent == []


def test_too_long_message_gets_a_polite_limit(gateway):
    core = FakeCore()
    reply = chat(gateway(core, max_message_chars=50), "u3", "a" * 51)[0]["text"]
    assert "51 ký tự" in reply and "50" in reply and core.sent == []


@pytest.mark.parametrize("core", [FakeCore(down=True), FakeCore(replies=[])], ids=["core down", "no reply"])
def test_dead_core_gets_an_apology_not_an_error(gateway, core):
    assert chat(gateway(core), "u4", "đăng ký tạm trú") == [{"recipient_id": "u4", "text": msg.CORE_UNAVAILABLE}]


def test_health_reports_each_dependency(gateway):
    healthy = gateway(FakeCore()).get("/healthz").json()
    assert healthy["status"] == "ok" and healthy["dependencies"] == {"rasa": "ok", "action_server": "ok"}
    down = gateway(FakeCore(down=True)).get("/healthz")
    assert down.status_code == 503 and down.json()["status"] == "degraded"
    # Liveness is the gateway's own: it still answers citizens (with an apology) while Rasa is down.
    assert gateway(FakeCore(down=True)).get("/livez").status_code == 200


def test_health_shows_the_supervisor_s_pids_to_staff_only(gateway, tmp_path, monkeypatch):
    from connectors.api import health
    from storage.settings import StorageSettings

    (tmp_path / "run").mkdir()
    (tmp_path / health.SUPERVISOR_STATUS).write_text(json.dumps({"rasa": {"pid": 4242, "restarts": 0}}))
    monkeypatch.setattr(health, "storage_settings", lambda: StorageSettings(var_dir=tmp_path))
    client = gateway(FakeCore())
    for stranger in ({}, {"Authorization": "Bearer wrong"}):
        public = client.get("/healthz", headers=stranger)
        assert public.status_code == 200 and "processes" not in public.json() and "4242" not in public.text
    assert client.get("/healthz", headers=STAFF).json()["processes"] == {"rasa": {"pid": 4242, "restarts": 0}}


def test_the_public_api_schema_describes_no_staff_route(gateway):
    client = gateway(FakeCore())
    public = client.get("/openapi.json").json()
    assert "/webhooks/rest/webhook" in public["paths"] and "/healthz" in public["paths"]
    assert not [path for path in public["paths"] if path.startswith(("/officer", "/analytics"))]
    assert not {"Credentials", "StatusUpdate"} & set(public["components"]["schemas"])
    # Staff (the one-stop system's developers) get the whole API's schema, nobody else.
    assert client.get("/officer/openapi.json").status_code == 401
    whole = client.get("/officer/openapi.json", headers=STAFF).json()
    assert {"/officer/conversations", "/officer/dossiers/{code}", "/analytics"} <= set(whole["paths"])
    assert set(public["paths"]) <= set(whole["paths"])


def test_staff_api_needs_the_configured_token(gateway):
    assert gateway(FakeCore(), officer_token="").get("/officer/conversations").status_code == 503
    client = gateway(FakeCore())
    assert client.get("/officer/conversations").status_code == 401
    assert client.get("/officer/conversations", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/officer/conversations", headers=STAFF).json() == []


def test_officer_serves_a_conversation_while_the_bot_stays_silent(gateway):
    from storage import handover

    core = FakeCore()
    client = gateway(core)
    queued = handover.open_handover("rest", "rest:u5", [("citizen", "CCCD của tôi 079192012345")])
    waiting = client.get("/officer/conversations", headers=STAFF).json()
    assert waiting[0]["transcript"][0]["text"] == "CCCD của tôi 079******345"
    assert client.post(f"/officer/conversations/{queued}/reply", headers=STAFF, json={"text": "Chào bạn, tôi là cán bộ"}).status_code == 200
    assert chat(client, "u5", "bao giờ xong ạ") == [
        {"recipient_id": "u5", "text": "Chào bạn, tôi là cán bộ", "custom": {"author": "officer"}}]
    assert core.sent == []  # the bot was not asked
    client.post(f"/officer/conversations/{queued}/close", headers=STAFF)
    # the citizen is told the officer has gone, and the bot answers again
    assert [r["text"] for r in chat(client, "u5", "cảm ơn")] == [msg.HANDOVER_CLOSED, "Chào bạn"] and len(core.sent) == 1


def test_a_request_to_erase_reaches_the_bot_while_an_officer_serves(gateway, tmp_path, monkeypatch):
    """The officer cannot erase a citizen's data, and "xóa thông tin của tôi" went to the officer's
    transcript only: the request and the yes/no to the bot's confirmation go to the bot; nothing else."""
    from dossiers.settings import dossier_settings
    from storage import citizens, handover

    monkeypatch.setenv("TRACKER_DB_NAME", str(tmp_path / "trackers.db"))
    dossier_settings.cache_clear()
    core = FakeCore()
    core.intents = {"xóa thông tin của tôi": "delete_profile", "có": "affirm", "ok anh": "affirm"}
    client = gateway(core)
    citizens.create_dossier("rest:u6", "1.004873", "f", {"id_number": "079192012345"})
    queued = handover.open_handover("rest", "rest:u6", [("citizen", "cho tôi gặp cán bộ")])
    client.post(f"/officer/conversations/{queued}/reply", headers=STAFF, json={"text": "Chào bạn, tôi là cán bộ"})
    chat(client, "u6", "ok anh")  # a yes with no deletion pending: the officer's
    assert core.sent == []
    core.replies = [{"text": "Bạn có chắc muốn xóa toàn bộ thông tin?",
                     "buttons": [{"title": "Xóa hết", "payload": '/delete_profile{"confirm": "yes"}'}]}]
    asked = chat(client, "u6", "xóa thông tin của tôi")
    assert [m["text"] for m in asked] == ["Bạn có chắc muốn xóa toàn bộ thông tin?"]
    assert [s["message"] for s in core.sent] == ["xóa thông tin của tôi"]
    officer_sees = client.get("/officer/conversations?status=active", headers=STAFF).json()[0]["transcript"]
    assert officer_sees[-1] == {**officer_sees[-1], "author": "bot", "text": "Bạn có chắc muốn xóa toàn bộ thông tin?"}
    core.slots["rest:u6"] = {"delete_pending": True}
    core.replies = [{"text": "Đã xóa toàn bộ thông tin cá nhân.", "custom": {"erase_conversation": True}}]
    assert [m["text"] for m in chat(client, "u6", "có")] == ["Đã xóa toàn bộ thông tin cá nhân."]
    assert [s["message"] for s in core.sent][-1] == "có"
    assert handover.active_handover("rest:u6") is None and citizens.dossiers_of_conversation("rest:u6") == []
    dossier_settings.cache_clear()


def test_dossier_status_by_code_or_vietnamese_label(gateway):
    from storage import citizens

    client = gateway(FakeCore())
    code = citizens.create_dossier("u6", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {"purpose": "Kết hôn"})["code"]
    for given, label in [("cần bổ sung", "cần bổ sung"), ("can bo sung", "cần bổ sung"), ("done", "đã có kết quả")]:
        response = client.patch(f"/officer/dossiers/{code}", headers=STAFF, json={"status": given, "note": "Thiếu ảnh"})
        assert response.status_code == 200 and response.json()["status"] == label
    assert client.patch(f"/officer/dossiers/{code}", headers=STAFF, json={"status": "bay màu"}).status_code == 422
    assert client.patch("/officer/dossiers/HS-1999-000001", headers=STAFF, json={"status": "done"}).status_code == 404


def zalo_event(app_id: str, user: str, text: str) -> tuple[bytes, str]:
    timestamp = str(int(time.time() * 1000))
    body = {"app_id": app_id, "event_name": "user_send_text", "timestamp": timestamp, "sender": {"id": user},
            "recipient": {"id": "oa"}, "message": {"text": text, "msg_id": f"m-{user}"}}
    return json.dumps(body, ensure_ascii=False).encode(), timestamp


def test_zalo_webhook_verifies_and_answers_through_the_oa_api(gateway):
    core = FakeCore()
    settings = {"zalo_app_id": "42", "zalo_oa_secret_key": "oa-secret", "zalo_api_base": RASA,
                "zalo_access_token": "a0", "zalo_refresh_token": "r0"}
    client = gateway(core, **settings)
    body, ts = zalo_event("42", "z1", "lam cccd o dau")
    headers = {"Content-Type": "application/json"}
    assert client.post("/webhooks/zalo", content=body, headers={**headers, "X-ZEvent-Signature": "mac=forged"}).status_code == 401
    mac = signature("42", body, ts, "oa-secret")
    assert client.post("/webhooks/zalo", content=body, headers={**headers, "X-ZEvent-Signature": f"mac={mac}"}).status_code == 200
    assert core.sent == [{"sender": "zalo:z1", "message": "lam cccd o dau", "input_channel": "zalo"}]
    assert core.zalo[0]["recipient"] == {"user_id": "z1"} and core.zalo[0]["message"]["text"] == "Chào bạn"


def test_channels_are_off_until_configured(gateway):
    client = gateway(FakeCore())
    assert client.post("/webhooks/zalo", content=b"{}").status_code == 404
    assert client.post("/webhooks/telegram", json={}).status_code == 404


def test_staff_actions_are_audited_without_their_content(gateway):
    from storage import audit, citizens, handover

    client = gateway(FakeCore())
    queued = handover.open_handover("rest", "rest:u9", [])
    client.post(f"/officer/conversations/{queued}/reply", headers=STAFF, json={"text": "Số CCCD 079192012345", "officer": "Lan"})
    client.post(f"/officer/conversations/{queued}/close", headers=STAFF)
    code = citizens.create_dossier("rest:u9", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {})["code"]
    client.patch(f"/officer/dossiers/{code}", headers=STAFF, json={"status": "đã nộp"})
    logged = [(e["actor"], e["action"], e["target"], e["detail"]) for e in reversed(audit.entries())]
    # the bearer token acts as "officer", whatever name the body gives
    assert logged == [("officer", "reply", str(queued), None), ("officer", "close", str(queued), None),
                      ("officer", "dossier_status", code, "submitted")]
    assert "079192012345" not in repr(audit.entries())


def test_speech_of_control_characters_is_refused_politely(gateway):
    """Fuzzing found a NUL reaching the speech engine's command line (a 500)."""
    client = gateway(FakeCore())
    token = client.post("/webhooks/rest/conversations", json={"device": "kiosk"}).json()["token"]
    headers = {"X-Conversation-Token": token}
    response = client.post("/kiosk/tts", json={"text": "\x00\x07"}, headers=headers)
    assert response.status_code == 400 and response.json()["detail"] == msg.NOTHING_TO_SAY
    assert client.post("/kiosk/tts", json={"text": "xin\x00 chào"}, headers=headers).status_code in {200, 503}


def test_officers_tie_a_citizens_wording_to_a_procedure(gateway):
    client = gateway(FakeCore())
    phrase = {"phrase": "Giấy còn độc thân", "procedure_code": "1.004873", "officer": "Lan"}
    assert client.post("/officer/aliases", json=phrase).status_code == 401
    assert client.post("/officer/aliases", headers=STAFF, json={**phrase, "procedure_code": "9.999999"}).status_code == 404
    assert client.post("/officer/aliases", headers=STAFF, json={**phrase, "phrase": "?!"}).status_code == 422
    added = client.post("/officer/aliases", headers=STAFF, json=phrase)
    assert added.status_code == 201 and added.json()["phrase_key"] == "giay con doc than"
    moved = client.post("/officer/aliases", headers=STAFF, json={**phrase, "phrase": "giay con doc than", "procedure_code": "1.001193"})
    listed = client.get("/officer/aliases", headers=STAFF).json()
    assert [(a["phrase_key"], a["procedure_code"]) for a in listed] == [("giay con doc than", "1.001193")]
    assert client.delete(f"/officer/aliases/{moved.json()['id']}", headers=STAFF).status_code == 204
    assert client.delete(f"/officer/aliases/{moved.json()['id']}", headers=STAFF).status_code == 404
    assert client.get("/officer/aliases", headers=STAFF).json() == []
