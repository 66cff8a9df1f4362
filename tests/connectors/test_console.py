"""The officers' console in-process: staff accounts (argon2, created by a command), sign-in by session
cookie beside the machine token, take, the citizen's dossiers, analytics per day. The page itself is
tested in a real browser (tests/integration/test_console.py)."""

import io

import pytest

from connectors import messages as msg
from connectors.staff import CSRF_HEADER, SESSION_COOKIE, main
from storage import citizens, handover, staff
from tests.connectors.inprocess import STAFF, FakeCore

CONSOLE = {CSRF_HEADER: "dvc-officer"}


@pytest.fixture()
def lan(app_db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai\n"))
    assert main(["add", "lan", "--name", "Nguyễn Thị Lan"]) == 0
    return "lan"


def test_an_account_is_created_by_command_with_an_argon2_hash_never_the_password(lan, monkeypatch):
    stored = staff.get_account(lan)
    assert stored["display_name"] == "Nguyễn Thị Lan" and stored["password_hash"].startswith("$argon2id$")
    assert "mat-khau-rat-dai" not in stored["password_hash"]
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert main(["add", "binh", "--name", "Bình"]) == 2 and staff.get_account("binh") is None


def test_sign_in_gives_a_session_that_acts_as_the_officer(gateway, lan):
    client = gateway(FakeCore())
    wrong = client.post("/officer/login", json={"username": "lan", "password": "sai-mat-khau"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == msg.STAFF_LOGIN_FAILED
    assert client.post("/officer/login", json={"username": "ai-do", "password": "mat-khau-rat-dai"}).status_code == 401
    signed = client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    assert signed.status_code == 200 and SESSION_COOKIE in signed.cookies
    assert client.get("/officer/me").json() == {"name": "Nguyễn Thị Lan"}
    waiting = handover.open_handover("web", "web:c1", [("citizen", "cho tôi gặp cán bộ")])
    # A change by cookie needs the console's header: a form on another site cannot send it.
    assert client.post(f"/officer/conversations/{waiting}/take").status_code == 401
    assert client.post(f"/officer/conversations/{waiting}/take", headers=CONSOLE).json() == {"status": "active"}
    taken = handover.get_handover(waiting)
    assert (taken["status"], taken["officer"]) == ("active", "Nguyễn Thị Lan")
    client.post("/officer/logout", headers=CONSOLE)
    assert client.get("/officer/me").status_code == 401
    client.cookies.set(SESSION_COOKIE, "lan.forged.signature")
    assert client.get("/officer/me").status_code == 401
    assert client.get("/officer/me", headers=STAFF).json() == {"name": "officer"}  # the machine token still works


def test_the_console_page_and_its_chart_library_come_from_the_gateway(gateway):
    client = gateway(FakeCore(), officer_token="")
    page = client.get("/officer/console")
    assert page.status_code == 200 and "Đăng nhập cán bộ" in page.text
    assert 'src="/officer/chart.js"' in page.text and "script-src 'self'" in page.headers["content-security-policy"]
    assert "Chart.js v4" in client.get("/officer/chart.js").text[:200]


def test_an_officer_sees_the_citizens_dossiers_and_analytics_per_day(gateway, lan):
    from storage import analytics

    client = gateway(FakeCore())
    conversation = handover.open_handover("web", "web:c2", [("citizen", "hồ sơ của tôi sao rồi")])
    code = citizens.create_dossier("web:c2", "1.001193", "to-khai-dang-ky-khai-sinh", {"child_name": "Lê An"})["code"]
    citizens.create_dossier("web:other", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {})
    listed = client.get(f"/officer/conversations/{conversation}/dossiers", headers=STAFF).json()
    assert [(d["code"], d["procedure_code"], d["status_code"]) for d in listed] == [(code, "1.001193", "draft")]
    statuses = client.get("/officer/dossier-statuses", headers=STAFF).json()
    assert {"code": "needs_more", "label": "cần bổ sung"} in statuses
    assert "child_name" not in str(listed)  # status, not the declaration's personal fields
    analytics.record_question("làm giấy khai sinh", "1.001193", True, "web")
    analytics.record_question("cấp phép bay drone", None, False, "zalo")
    analytics.record_feedback("web:c2", 5, "1.001193", "làm giấy khai sinh")
    report = client.get("/analytics", headers=STAFF).json()
    assert {(r["channel"], r["count"]) for r in report["questions_per_day"]} == {("web", 1), ("zalo", 1)}
    assert [r["rate"] for r in report["satisfaction_per_day"]] == [1.0]


@pytest.mark.parametrize("password", [" " * 10, " " * 16, "\t " * 6, "ngan-qua-1"])
def test_a_weak_password_is_refused(app_db, monkeypatch, password):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["add", "binh", "--name", "Bình"]) == 2 and staff.get_account("binh") is None


def test_a_session_cookie_stops_working_after_logout(gateway, lan):
    client = gateway(FakeCore())
    client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    stolen = client.cookies.get(SESSION_COOKIE)
    assert client.get("/officer/me").json() == {"name": "Nguyễn Thị Lan"}
    assert client.post("/officer/logout", headers=CONSOLE).status_code == 200
    client.cookies.set(SESSION_COOKIE, stolen)  # a copy kept from before the logout
    assert client.get("/officer/me").status_code == 401
    waiting = handover.open_handover("web", "web:c3", [("citizen", "cho tôi gặp cán bộ")])
    assert client.post(f"/officer/conversations/{waiting}/take", headers=CONSOLE).status_code == 401
    # signing in again gives a new session that works
    client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    assert client.get("/officer/me").json() == {"name": "Nguyễn Thị Lan"}


def test_a_new_password_ends_the_accounts_sessions(gateway, lan, monkeypatch):
    client = gateway(FakeCore())
    client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-moi-rat-dai\n"))
    assert main(["add", "lan", "--name", "Nguyễn Thị Lan"]) == 0
    assert client.get("/officer/me").status_code == 401


def test_failed_sign_ins_are_throttled_per_account_even_with_the_right_password(gateway, lan):
    client = gateway(FakeCore())
    for _ in range(5):
        assert client.post("/officer/login", json={"username": "lan", "password": "doan-sai-mat-khau"}).status_code == 401
    locked = client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    assert locked.status_code == 429 and locked.json()["detail"] == msg.STAFF_LOGIN_THROTTLED
    assert SESSION_COOKIE not in locked.cookies


def test_failed_sign_ins_are_throttled_per_address_whatever_the_name(gateway, lan):
    client = gateway(FakeCore())
    for i in range(20):
        assert client.post("/officer/login", json={"username": f"ai-{i}", "password": "doan-sai-mat-khau"}).status_code == 401
    refused = client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    assert refused.status_code == 429 and refused.json()["detail"] == msg.STAFF_LOGIN_THROTTLED


def sign_in_from(client, address, password, username="lan"):
    return client.post("/officer/login", json={"username": username, "password": password},
                       headers={"X-Forwarded-For": address})  # through our own proxy (trusted_proxies)


def test_wrong_passwords_from_one_address_do_not_lock_the_officer_out_elsewhere(gateway, lan):
    """Guessing an officer's password from one address throttles that address, not the officer: the
    right password from an address that has not failed still signs in."""
    client = gateway(FakeCore(), trusted_proxies="testclient")
    for _ in range(5):
        assert sign_in_from(client, "203.0.113.9", "doan-sai-mat-khau").status_code == 401
    assert sign_in_from(client, "203.0.113.9", "mat-khau-rat-dai").status_code == 429  # the guesser is throttled
    signed_in = sign_in_from(client, "198.51.100.7", "mat-khau-rat-dai")
    assert signed_in.status_code == 200 and SESSION_COOKIE in signed_in.cookies


def test_concurrent_guesses_are_counted_before_the_password_is_checked(gateway, lan):
    """19 guesses at once: no more get a password check than the limit allows (5 per account and address)."""
    import threading

    client = gateway(FakeCore())
    barrier, statuses = threading.Barrier(19), []

    def guess():
        barrier.wait()
        statuses.append(client.post("/officer/login", json={"username": "lan", "password": "doan-sai-mat-khau"}).status_code)

    threads = [threading.Thread(target=guess) for _ in range(19)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [401] * 5 + [429] * 14


def test_a_successful_sign_in_forgets_earlier_mistakes(gateway, lan):
    client = gateway(FakeCore())
    for _ in range(2):
        for _ in range(4):
            assert client.post("/officer/login", json={"username": "lan", "password": "go-nham-mat-khau"}).status_code == 401
        assert client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"}).status_code == 200


def test_replies_and_aliases_are_audited_as_the_signed_in_officer_not_a_name_in_the_body(gateway, lan):
    from storage import audit

    client = gateway(FakeCore())
    client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    waiting = handover.open_handover("web", "web:c4", [("citizen", "cho tôi gặp cán bộ")])
    sent = client.post(f"/officer/conversations/{waiting}/reply", headers=CONSOLE,
                       json={"text": "Chào bạn", "officer": "Giám đốc Sở"})
    assert sent.status_code == 200 and handover.get_handover(waiting)["officer"] == "Nguyễn Thị Lan"
    alias = client.post("/officer/aliases", headers=CONSOLE,
                        json={"phrase": "giấy còn độc thân", "procedure_code": "1.004873", "officer": "Giám đốc Sở"}).json()
    assert alias["added_by"] == "Nguyễn Thị Lan"
    assert client.delete(f"/officer/aliases/{alias['id']}", headers=CONSOLE).status_code == 204
    logged = [(e["actor"], e["action"], e["target"], e["detail"]) for e in reversed(audit.entries())]
    assert logged == [("Nguyễn Thị Lan", "reply", str(waiting), None),
                      ("Nguyễn Thị Lan", "alias", "1.004873", f"#{alias['id']} giấy còn độc thân"),
                      ("Nguyễn Thị Lan", "alias_removed", "1.004873", f"#{alias['id']} giấy còn độc thân")]


def test_an_alias_id_is_never_given_again(gateway):
    from storage import audit

    client = gateway(FakeCore())
    first = client.post("/officer/aliases", headers=STAFF, json={"phrase": "giấy độc thân", "procedure_code": "1.004873"}).json()
    assert client.delete(f"/officer/aliases/{first['id']}", headers=STAFF).status_code == 204
    second = client.post("/officer/aliases", headers=STAFF, json={"phrase": "khai tử", "procedure_code": "1.001193"}).json()
    assert second["id"] != first["id"]
    # the audit's "#id" names one alias only: the removed one keeps its phrase
    removed = next(e for e in audit.entries() if e["action"] == "alias_removed")
    assert removed["detail"] == f"#{first['id']} giấy độc thân"


@pytest.mark.parametrize("text", ["cho tôi gặp cán bộ", "gap nhan vien", "bot không hiểu, cho tôi gặp người",
                                  "Cho em gặp cán bộ ạ", "tôi muốn được cán bộ tư vấn trực tiếp", "có ai trực không"])
def test_a_call_for_an_officer_is_not_the_citizens_question(text):
    from connectors.api.officer import officer_call, preview

    assert officer_call(text)
    transcript = [{"author": "citizen", "text": "đăng ký tạm trú cho con ở đâu"}, {"author": "bot", "text": "Tại công an xã."},
                  {"author": "citizen", "text": text}]
    assert preview(transcript) == "đăng ký tạm trú cho con ở đâu"
    assert preview(transcript[-1:]) == text  # nothing else said: the call itself
    # what the citizen said while reading the answers is not the question either
    assert preview([*transcript[:2], {"author": "citizen", "text": "vâng"}, {"author": "citizen", "text": "còn gì nữa không"},
                    transcript[2]]) == "đăng ký tạm trú cho con ở đâu"


@pytest.mark.parametrize("text", ["cán bộ gây khó dễ", "nhân viên xã bắt tôi nộp thêm tiền",
                                  "thẻ tạm trú cho chồng tôi người Nhật, cho tôi gặp cán bộ"])
def test_a_question_that_names_an_officer_is_still_a_question(text):
    from connectors.api.officer import officer_call

    assert not officer_call(text)


class TrackingCore(FakeCore):
    """Rasa's tracker API too: the conversation's ``current_procedure`` slot."""

    def __init__(self, procedures):
        super().__init__()
        self.procedures, self.asked = procedures, []

    def __call__(self, request):
        import httpx

        if request.url.path.endswith("/tracker"):
            self.asked.append((request.url.path, request.url.params.get("token")))
            conversation = request.url.path.split("/")[2]
            return httpx.Response(200, json={"slots": {"current_procedure": self.procedures.get(conversation)}})
        return super().__call__(request)


def test_the_queue_says_what_each_citizen_asks_about_and_since_when(gateway):
    import asyncio

    from connectors.api.officer import queue_snapshot

    core = TrackingCore({"web:q1": "1.004194"})
    client = gateway(core)
    tracked = handover.open_handover("web", "web:q1", [("citizen", "con tôi 5 tuổi, số 0912345678, ở nhờ nhà bà"),
                                                        ("citizen", "cho tôi gặp cán bộ")])
    cited = handover.open_handover("zalo", "zalo:q2", [("citizen", "giấy độc thân làm ở đâu"),
                                                        ("bot", "Cấp Giấy xác nhận tình trạng hôn nhân (mã 1.004873): ..."),
                                                        ("citizen", "gặp nhân viên")])
    rows = {r["id"]: r for r in asyncio.run(queue_snapshot(client.app.state.core))}
    assert rows[tracked]["procedure"] == {"code": "1.004194", "name": "Đăng ký tạm trú"}
    assert rows[tracked]["preview"] == "con tôi 5 tuổi, số 091****678, ở nhờ nhà bà"  # masked as stored
    assert rows[cited]["procedure"]["code"] == "1.004873"  # the tracker does not say: the answer's citation
    assert rows[tracked]["created_at"].endswith("+00:00") and rows[tracked]["transcript"][0]["at"].endswith("+00:00")
    assert ("/conversations/web:q1/tracker", "rasa-token") in core.asked


def test_closing_tells_the_citizen_the_assistant_takes_over_again(gateway):
    from storage import audit

    client = gateway(FakeCore())
    waiting = handover.open_handover("web", "web:c5", [("citizen", "cho tôi gặp cán bộ")])
    assert client.post(f"/officer/conversations/{waiting}/close", headers=STAFF).json() == {"status": "closed"}
    assert handover.take_outbox("web:c5") == [msg.HANDOVER_CLOSED]
    assert "trợ lý ảo" in msg.HANDOVER_CLOSED.lower() and "kết thúc" in msg.HANDOVER_CLOSED
    assert client.post(f"/officer/conversations/{waiting}/close", headers=STAFF).json() == {"status": "closed"}
    assert handover.take_outbox("web:c5") == []  # told once
    assert [e["action"] for e in audit.entries()] == ["close"]


def test_procedures_are_found_by_name_or_code_by_staff_only(gateway, lan):
    client = gateway(FakeCore())
    found = client.get("/officer/procedures", params={"q": "giấy độc thân"}, headers=STAFF).json()
    assert found[0] == {"code": "1.004873", "name": "Cấp Giấy xác nhận tình trạng hôn nhân"}
    assert client.get("/officer/procedures", params={"q": "khai s"}, headers=STAFF).json()[0]["code"] == "1.001193"
    by_code = client.get("/officer/procedures", params={"q": "1.00487"}, headers=STAFF).json()
    assert "1.004873" in [p["code"] for p in by_code] and all(p["code"].startswith("1.00487") for p in by_code)
    assert client.get("/officer/procedures", params={"q": "khai sinh"}).status_code == 401
    assert "/officer/procedures" not in client.get("/openapi.json").json()["paths"]
    client.post("/officer/login", json={"username": "lan", "password": "mat-khau-rat-dai"})
    assert client.get("/officer/procedures", params={"q": "tạm trú"}).json()[0]["name"].endswith("tạm trú")
