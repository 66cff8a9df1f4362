"""Probes from the attack run that need the real processes: the supervisor restarts what dies,
officer replies are pushed to Telegram at once, malformed Telegram updates, /restart, and the
widget embedded on another origin in a real browser."""

import json
import os
import signal
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.core import worker_order
from connectors.messages import CORE_UNAVAILABLE
from dossiers.forms import FORMS
from tests.conftest import CHANNEL_ENV, PORTAL_ORIGIN_PORT
from tests.connectors.browser import browser_page
from tests.connectors.fakes import telegram_text_update, wait_until
from tests.helpers import IssuedChat, post_json, staff_request, texts

RESIDENCE = FORMS["ct01-to-khai-thay-doi-thong-tin-cu-tru"]

pytestmark = pytest.mark.integration
STAFF = {"Authorization": "Bearer test-officer-token"}
SECRET = {"X-Telegram-Bot-Api-Secret-Token": CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]}


@pytest.fixture()
def chat(stack):
    """Forms need a gateway-issued conversation: these citizens chat as the widget does (tests/helpers.py)."""
    return IssuedChat(stack.url("gateway"))


def health(stack) -> dict:
    try:
        with urllib.request.urlopen(staff_request(f"{stack.url('gateway')}/healthz"), timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        return json.loads(err.read())


def test_killed_action_server_is_restarted_and_the_form_goes_on(stack, chat):
    sender = f"kill-{time.time_ns()}"
    chat(sender, "điền tờ khai đăng ký tạm trú")
    before = health(stack)["processes"]["actions"]
    os.kill(before["pid"], signal.SIGKILL)  # the manager process only, as the probe did
    wait_until(lambda: health(stack)["processes"]["actions"]["pid"] != before["pid"], timeout=120)
    after = health(stack)
    assert after["processes"]["actions"]["restarts"] == before["restarts"] + 1 and after["status"] == "ok"
    reply = "\n".join(r.get("text", "") for r in chat(sender, "Trần Thị Mai"))
    assert CORE_UNAVAILABLE not in reply and RESIDENCE.field("dob").question in reply  # the form resumes at its next question


def test_a_killed_rasa_worker_hands_its_conversations_to_the_other_and_comes_back(stack, chat):
    workers = stack.env["RASA_URL"].split(",")
    sender = next(s for s in (f"w-{i}-{time.time_ns()}" for i in range(100))
                  if worker_order(chat.conversation(s), workers)[0] == stack.url("rasa-2"))
    assert RESIDENCE.field("full_name").question in texts(chat(sender, "điền tờ khai đăng ký tạm trú"))
    before = health(stack)["processes"]["rasa-2"]
    os.kill(before["pid"], signal.SIGKILL)
    # Its neighbour shares the tracker store: the form goes on at once, at the right question.
    assert RESIDENCE.field("dob").question in texts(chat(sender, "Trần Thị Mai"))
    wait_until(lambda: health(stack)["processes"]["rasa-2"]["pid"] != before["pid"], timeout=240)
    wait_until(lambda: health(stack)["status"] == "ok", timeout=120)
    # Citizens who write at the same moment right after the restart are answered, not apologised to:
    # the supervisor calls a Rasa server ready only once it has warmed up.
    others = [s for s in (f"after-{i}-{time.time_ns()}" for i in range(200))
              if worker_order(chat.conversation(s), workers)[0] == stack.url("rasa-2")][:8]
    replies: dict[str, str] = {}
    threads = [threading.Thread(target=lambda s=s: replies.update({s: texts(chat(s, "đăng ký khai sinh ở đâu"))}))
               for s in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(replies) == 8 and all(CORE_UNAVAILABLE not in reply and "(mã " in reply for reply in replies.values()), replies
    # Back on its own worker, which reads what the neighbour stored.
    assert RESIDENCE.field("sex").question in texts(chat(sender, "12/12/1992"))
    assert "Trần Thị Mai" in texts(chat(sender, "xem lại"))
    chat(sender, "hủy")


def test_malformed_telegram_update_with_the_right_secret_is_400(stack):
    for body in ({}, [], {"update_id": 1, "message": 5}):
        status, _ = post_json(f"{stack.url('gateway')}/webhooks/telegram", body, headers=SECRET)
        assert status == 400


def test_officer_reply_is_pushed_to_the_telegram_user_at_once(stack, fakes):
    telegram = fakes["telegram"]
    post_json(f"{stack.url('gateway')}/webhooks/telegram", telegram_text_update(71, 5071, "cho tôi gặp cán bộ"), headers=SECRET)
    waiting = wait_until(lambda: [c for c in json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{stack.url('gateway')}/officer/conversations?status=waiting", headers=STAFF)).read())
        if c["sender_id"] == "telegram:5071"])
    assert waiting[0]["channel"] == "telegram"  # the channel reaches Rasa, so the handover knows it
    status, body = post_json(f"{stack.url('gateway')}/officer/conversations/{waiting[0]['id']}/reply",
                             {"text": "Chào anh, tôi là cán bộ một cửa."}, headers=STAFF)
    assert status == 200 and body["pushed"] == 1
    assert any(m["text"] == "Chào anh, tôi là cán bộ một cửa." for m in telegram.sent("sendMessage", 5071))


def test_restart_command_answers_politely(chat):
    reply = chat(f"r-{time.time_ns()}", "/restart")
    assert reply and CORE_UNAVAILABLE not in reply[0]["text"] and "cuộc trò chuyện mới" in reply[0]["text"]


@pytest.mark.browser
def test_widget_embedded_on_another_origin_chats(stack, tmp_path):
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Cổng tỉnh</title><h1>Cổng dịch vụ công tỉnh</h1>'
        f'<script src="{stack.url("gateway")}/widget.js" defer></script></html>', encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    portal = ThreadingHTTPServer(("127.0.0.1", PORTAL_ORIGIN_PORT), handler)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        with browser_page() as page:
            page.goto(f"http://127.0.0.1:{PORTAL_ORIGIN_PORT}/")
            page.click(".dvc-toggle")
            page.wait_for_selector(".dvc-msg.dvc-bot", timeout=30_000)
            greeting = page.locator(".dvc-msg.dvc-bot").first.inner_text()
            assert "không kết nối được" not in greeting and "Xin chào" in greeting
            token = page.evaluate("JSON.parse(sessionStorage.getItem('dvc-chat')).token")
            assert token and token.startswith(page.evaluate("window.dvcChat.sender()"))
    finally:
        portal.shutdown()


def test_the_action_server_answers_only_rasa(stack):
    url = f"{stack.url('actions')}/webhook"
    call = {"next_action": "action_login", "sender_id": "intruder", "tracker": {"sender_id": "intruder", "slots": {},
            "latest_message": {}, "events": []}, "domain": {}}
    assert post_json(url, call)[0] == 401
    assert post_json(url, call, headers={"X-Action-Token": "guess"})[0] == 401
    status, body = post_json(url, call, headers={"X-Action-Token": stack.env["ACTION_SERVER_TOKEN"]})
    assert status == 200 and body["responses"], body  # Rasa's own calls go through (the whole suite relies on it)


def test_no_process_shows_the_rasa_token_on_its_command_line(stack):
    """Every local user reads command lines (ps); Rasa gets its token from the environment (bot.serve)."""
    token = stack.env["RASA_AUTH_TOKEN"].encode()
    assert {"rasa", "gateway", "actions"} <= set(stack.processes)
    for name, process in stack.processes.items():
        with open(f"/proc/{process.pid}/cmdline", "rb") as cmdline:
            assert token not in cmdline.read(), name


def test_erasure_asked_while_an_officer_serves_reaches_the_erase_action(stack, chat):
    """Through the real NLU: the request and the typed yes go to the bot; the rest to the officer."""
    from actions import messages as m

    sender = f"erase-{time.time_ns()}"
    chat(sender, "cho tôi gặp cán bộ")
    conversation = chat.conversation(sender)
    waiting = wait_until(lambda: [c for c in json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{stack.url('gateway')}/officer/conversations?status=waiting", headers=STAFF)).read())
        if c["sender_id"] == conversation])
    post_json(f"{stack.url('gateway')}/officer/conversations/{waiting[0]['id']}/reply", {"text": "Chào bạn"}, headers=STAFF)
    assert texts(chat(sender, "anh ơi cho em hỏi")) == "Chào bạn"  # the officer's reply; the bot stays silent
    assert texts(chat(sender, "xóa thông tin của tôi")) == m.DELETE_CONFIRM
    assert texts(chat(sender, "có")).startswith("Đã xóa toàn bộ thông tin cá nhân")
    active = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{stack.url('gateway')}/officer/conversations?status=active", headers=STAFF)).read())
    assert conversation not in [c["sender_id"] for c in active]  # the handover went with the rest
