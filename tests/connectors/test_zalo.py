"""Zalo OA webhook and replies against a local fake Zalo API (signatures, de-duplication, tokens)."""

import json
import time
import uuid

import pytest

from connectors.zalo import signature
from knowledge.catalogue import get_procedure
from tests.conftest import CHANNEL_ENV
from tests.connectors.fakes import wait_until
from tests.helpers import post_raw

pytestmark = pytest.mark.integration
APP_ID = CHANNEL_ENV["ZALO_APP_ID"]


def event(user_id: str, text: str, event_name: str = "user_send_text", age_s: float = 0, msg_id: str | None = None):
    timestamp = str(int((time.time() - age_s) * 1000))
    body = {
        "app_id": APP_ID, "user_id_by_app": "x", "event_name": event_name, "timestamp": timestamp,
        "sender": {"id": user_id}, "recipient": {"id": "oa-1"},
        "message": {"text": text, "msg_id": msg_id or uuid.uuid4().hex},
    }
    return json.dumps(body, ensure_ascii=False).encode(), timestamp


def send(stack, body: bytes, mac: str) -> int:
    return post_raw(f"{stack.url('gateway')}/webhooks/zalo", body,
                    {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"})


def signed(body: bytes, timestamp: str) -> str:
    return signature(APP_ID, body, timestamp, CHANNEL_ENV["ZALO_OA_SECRET_KEY"])


def test_signed_event_is_answered_through_the_oa_api(stack, fakes):
    body, ts = event("z-1", "lam cccd o dau")
    assert send(stack, body, signed(body, ts)) == 200
    message = wait_until(lambda: fakes["zalo"].to("z-1"))[0]
    assert f"(mã {get_procedure('1.014061').code})" in message["text"]
    buttons = message["attachment"]["payload"]["buttons"]
    assert buttons[0]["type"] == "oa.query.show" and buttons[0]["payload"]


def test_forged_and_stale_signatures_are_rejected(stack, fakes):
    body, ts = event("z-2", "xin chào")
    assert send(stack, body, "0" * 64) == 401
    stale, stale_ts = event("z-2", "xin chào", age_s=3600)
    assert send(stack, stale, signed(stale, stale_ts)) == 401
    time.sleep(1)
    assert fakes["zalo"].to("z-2") == []


def test_retried_event_is_processed_once_and_echoes_ignored(stack, fakes):
    body, ts = event("z-3", "dang ky tam tru", msg_id="dup-1")
    assert send(stack, body, signed(body, ts)) == 200
    assert send(stack, body, signed(body, ts)) == 200
    echo, echo_ts = event("z-3", "tin nhắn của OA", event_name="oa_send_text")
    assert send(stack, echo, signed(echo, echo_ts)) == 200
    wait_until(lambda: fakes["zalo"].to("z-3"))
    time.sleep(3)
    texts = [m["text"] for m in fakes["zalo"].to("z-3")]
    assert len([t for t in texts if "(mã 1.004194)" in t]) == 1


def test_expired_access_token_is_refreshed_once_and_persisted(stack, fakes):
    zalo = fakes["zalo"]
    zalo.expire_access_tokens()
    before = zalo.refreshes
    body, ts = event("z-4", "xin chào")
    send(stack, body, signed(body, ts))
    wait_until(lambda: zalo.to("z-4"))
    assert zalo.refreshes == before + 1
    # The new pair was stored: the next message uses the new access token without refreshing.
    body, ts = event("z-4", "cảm ơn")
    send(stack, body, signed(body, ts))
    wait_until(lambda: len(zalo.to("z-4")) >= 2)
    assert zalo.refreshes == before + 1


def test_outside_reply_window_is_not_retried(stack, fakes):
    zalo = fakes["zalo"]
    zalo.force_error = -230
    try:
        rejected = len(zalo.rejected)
        body, ts = event("z-5", "xin chào")
        send(stack, body, signed(body, ts))
        wait_until(lambda: len(zalo.rejected) > rejected)
        time.sleep(2)
        assert len(zalo.rejected) == rejected + 1  # one attempt for the one reply, no retry
    finally:
        zalo.force_error = None


def test_a_link_button_opens_its_link_in_zalo_and_telegram():
    import asyncio

    from connectors.telegram import keyboard
    from connectors.turn import Button, Reply
    from connectors.zalo import message_body

    reply = Reply(text="Mời đăng nhập", buttons=[Button("Đăng nhập để tự điền", url="https://dvc.example/auth/login/abc")])
    zalo_button = message_body("u1", reply, "https://dvc.example")["message"]["attachment"]["payload"]["buttons"][0]
    assert zalo_button["type"] == "oa.open.url" and zalo_button["payload"] == {"url": "https://dvc.example/auth/login/abc"}
    telegram_button = asyncio.run(keyboard(reply)).inline_keyboard[0][0]
    assert telegram_button.url == "https://dvc.example/auth/login/abc" and telegram_button.callback_data is None
