"""Citizen login on the real stack against the local OpenID Connect provider: the widget in Chromium,
and a Telegram chat linked to an account with a one-time login link."""

import re
import time
from urllib.parse import urlsplit

import httpx
import pytest

from actions import messages as m
from connectors import messages as msg
from tests.conftest import CHANNEL_ENV
from tests.connectors.browser import browser_page
from tests.connectors.fakes import telegram_text_update, wait_until
from tests.helpers import post_json, sign_in_with_link

pytestmark = pytest.mark.integration


def bot_texts(page):
    return page.locator(".dvc-msg.dvc-bot").all_inner_texts()


@pytest.mark.browser
def test_widget_login_returns_to_the_conversation_signed_in(stack):
    base = stack.url("gateway")
    with browser_page() as page:
        page.goto(base + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        login = page.locator(".dvc-head button", has_text="Đăng nhập để tự điền")
        login.wait_for(state="visible", timeout=15_000)
        login.click()
        page.wait_for_selector("input[name=username]", timeout=15_000)  # the identity provider's page
        assert urlsplit(page.url).port == urlsplit(CHANNEL_ENV["OIDC_ISSUER"]).port
        page.fill("input[name=username]", "an")
        page.click("button[type=submit]")
        page.wait_for_url(base + "/", timeout=15_000)
        page.wait_for_function("[...document.querySelectorAll('.dvc-msg.dvc-bot')]"
                               ".some(e => e.textContent.includes('Bạn đã đăng nhập'))", timeout=15_000)
        assert page.locator(".dvc-head button", has_text="Đăng xuất").is_visible()
        before = len(bot_texts(page))
        page.fill(".dvc-form input", "thông tin của tôi")
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {before}", timeout=30_000)
        assert bot_texts(page)[before] == m.PROFILE_EMPTY  # signed in: shown (nothing kept yet), not refused


def telegram_say(stack, telegram, chat_id, text, update_id):
    count = len(telegram.sent("sendMessage", chat_id))
    post_json(f"{stack.url('gateway')}/webhooks/telegram", telegram_text_update(update_id, chat_id, text),
              headers={"X-Telegram-Bot-Api-Secret-Token": CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]})
    sent = wait_until(lambda: telegram.sent("sendMessage", chat_id)[count:])
    time.sleep(0.5)  # the rest of the turn's messages
    return telegram.sent("sendMessage", chat_id)[count:] or sent


def test_a_telegram_chat_is_linked_to_an_account_with_a_one_time_link(stack, fakes):
    telegram = fakes["telegram"]
    chat_id, stranger = 7100 + int(time.time()) % 500, 7700 + int(time.time()) % 200
    offer = telegram_say(stack, telegram, chat_id, "đăng nhập", 7001)
    links = [b["url"] for m_ in offer for row in (m_.get("reply_markup") or {}).get("inline_keyboard", [])
             for b in row if b.get("url")]
    assert len(links) == 1 and "/auth/login/" in links[0], offer
    done = sign_in_with_link(links[0], "binh")  # on the citizen's phone browser
    assert httpx.get(links[0]).status_code == 410  # a link works once
    code = re.search(r"gõ mã (\d{6}) vào", done).group(1)  # bound once typed into this chat
    assert telegram_say(stack, telegram, stranger, code, 7004)[0]["text"] != msg.LOGIN_CONFIRMED
    assert telegram_say(stack, telegram, chat_id, code, 7005)[0]["text"] == msg.LOGIN_CONFIRMED
    said = telegram_say(stack, telegram, chat_id, "thông tin của tôi", 7002)
    assert said[0]["text"] == m.PROFILE_EMPTY
    refused = telegram_say(stack, telegram, stranger, "thông tin của tôi", 7003)
    assert refused[0]["text"].startswith(m.PROFILE_NEEDS_LOGIN)
