"""One three-turn conversation through REST, the widget, Telegram and Zalo: the same answers."""

import json
import time
import uuid

import pytest

from connectors.zalo import signature
from tests.conftest import CHANNEL_ENV
from tests.connectors.browser import browser_page
from tests.connectors.fakes import telegram_text_update, wait_until
from tests.helpers import post_json, post_raw

pytestmark = pytest.mark.integration
TURNS = ["lam giay khai sinh cho con", "the con le phi?", "mat bao lau"]


def first_texts_rest(chat):
    sender = f"x-{uuid.uuid4().hex[:8]}"
    return [chat(sender, turn)[0]["text"] for turn in TURNS]


def first_texts_telegram(stack, telegram):
    chat_id = 9000 + int(time.time()) % 1000
    answers = []
    for i, turn in enumerate(TURNS):
        count = len(telegram.sent("sendMessage", chat_id))
        post_json(f"{stack.url('gateway')}/webhooks/telegram", telegram_text_update(900 + i, chat_id, turn),
                  headers={"X-Telegram-Bot-Api-Secret-Token": CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]})
        answers.append(wait_until(lambda c=count: telegram.sent("sendMessage", chat_id)[c:])[0]["text"])
        time.sleep(1)  # let the rest of this turn's messages arrive before the next turn
    return answers


def first_texts_zalo(stack, zalo):
    user = f"zx-{uuid.uuid4().hex[:8]}"
    answers = []
    for turn in TURNS:
        timestamp = str(int(time.time() * 1000))
        body = json.dumps({"app_id": CHANNEL_ENV["ZALO_APP_ID"], "event_name": "user_send_text", "timestamp": timestamp,
                           "sender": {"id": user}, "recipient": {"id": "oa"},
                           "message": {"text": turn, "msg_id": uuid.uuid4().hex}}).encode()
        mac = signature(CHANNEL_ENV["ZALO_APP_ID"], body, timestamp, CHANNEL_ENV["ZALO_OA_SECRET_KEY"])
        count = len(zalo.to(user))
        post_raw(f"{stack.url('gateway')}/webhooks/zalo", body, {"Content-Type": "application/json",
                                                                  "X-ZEvent-Signature": f"mac={mac}"})
        answers.append(wait_until(lambda c=count: zalo.to(user)[c:])[0]["text"])
        time.sleep(1)
    return answers


def first_texts_widget(stack):
    answers = []
    with browser_page() as page:
        page.goto(stack.url("gateway") + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        for turn in TURNS:
            before = page.locator(".dvc-msg.dvc-bot").count()
            page.fill(".dvc-form input", turn)
            page.keyboard.press("Enter")
            page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {before}", timeout=30_000)
            # The widget shows a link by its site ("dichvucong.gov.vn"); its address is the answer's text.
            answers.append(page.locator(".dvc-msg.dvc-bot").nth(before).evaluate(
                "el => { el.querySelectorAll('a[href]').forEach(a => { a.textContent = a.getAttribute('href'); });"
                " return el.innerText; }"))
    return answers


def test_same_conversation_same_answers_on_every_channel(stack, fakes, chat):
    rest = first_texts_rest(chat)
    assert "(mã 1.001193)" in rest[0] and "Lệ phí" in rest[1] and "Thời gian" in rest[2]
    assert first_texts_telegram(stack, fakes["telegram"]) == rest
    assert first_texts_zalo(stack, fakes["zalo"]) == rest
    assert first_texts_widget(stack) == rest
