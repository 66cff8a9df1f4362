"""Telegram through the gateway's webhook and in polling mode, against a local fake Bot API."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from actions import answers
from knowledge.catalogue import get_procedure
from tests.conftest import CHANNEL_ENV
from tests.connectors.fakes import telegram_callback_update, telegram_text_update, wait_until
from tests.helpers import post_json

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SECRET = {"X-Telegram-Bot-Api-Secret-Token": CHANNEL_ENV["TELEGRAM_SECRET_TOKEN"]}


def webhook(stack, update, headers=SECRET):
    return post_json(f"{stack.url('gateway')}/webhooks/telegram", update, headers=headers)


def test_text_message_answered_with_inline_keyboard(stack, fakes):
    telegram = fakes["telegram"]
    assert webhook(stack, telegram_text_update(1, 5001, "lam giay khai sinh"))[0] == 200
    sent = wait_until(lambda: telegram.sent("sendMessage", 5001))
    birth = get_procedure("1.001193")
    assert f"(mã {birth.code})" in sent[0]["text"]
    keyboard = sent[0]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard][:2] == ["Giấy tờ cần chuẩn bị", "Lệ phí"]
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)


def test_button_callback_answers_the_aspect(stack, fakes):
    telegram = fakes["telegram"]
    webhook(stack, telegram_text_update(2, 5002, "dang ky ket hon"))
    first = wait_until(lambda: telegram.sent("sendMessage", 5002))[0]
    fee_key = next(row[0]["callback_data"] for row in first["reply_markup"]["inline_keyboard"] if row[0]["text"] == "Lệ phí")
    webhook(stack, telegram_callback_update(3, 5002, fee_key))
    wait_until(lambda: telegram.sent("answerCallbackQuery"))
    # the fee button's own answer ("…\nLệ phí:\n…"), not the overview's "• Lệ phí:" line
    fee = wait_until(lambda: [m for m in telegram.sent("sendMessage", 5002) if "\nLệ phí:" in m["text"]])[0]
    assert answers.way_fee(get_procedure("1.000894").ways[0]) in fee["text"]


def test_forged_webhook_is_rejected(stack, fakes):
    telegram = fakes["telegram"]
    status, _ = webhook(stack, telegram_text_update(4, 5004, "xin chào"), headers={"X-Telegram-Bot-Api-Secret-Token": "forged"})
    assert status == 403
    status, _ = webhook(stack, telegram_text_update(5, 5004, "xin chào"), headers={})
    assert status == 403
    assert telegram.sent("sendMessage", 5004) == []


def test_document_is_sent_as_a_file(stack, fakes):
    """The renderer sends a reply's document (here a real file the gateway serves) with sendDocument."""
    from connectors import telegram as tg
    from connectors.core import Core
    from connectors.settings import GatewaySettings
    from connectors.turn import Document, Reply

    settings = GatewaySettings(gateway_internal_url=stack.url("gateway"), **{
        k.lower(): v for k, v in CHANNEL_ENV.items() if k.startswith("TELEGRAM_")})

    async def run():
        async with httpx.AsyncClient() as http:
            core = Core(settings, http)
            async with tg.build_application(core) as application:
                await tg.send_reply(application.bot, core, 5005,
                                    Reply(text="Hồ sơ của bạn", document=Document("/widget.js", "to-khai.pdf")))

    asyncio.run(run())
    document = fakes["telegram"].sent("sendDocument", 5005)[0]["document"]
    assert document["filename"] == "to-khai.pdf" and document["size"] > 1000


def test_polling_mode(stack, fakes):
    telegram = fakes["telegram"]
    env = {**os.environ, **CHANNEL_ENV, "RASA_URL": stack.url("rasa"), "PYTHONPATH": str(ROOT),
           "VAR_DIR": stack.env["VAR_DIR"], "RASA_AUTH_TOKEN": stack.env["RASA_AUTH_TOKEN"]}  # Rasa answers only it
    poller = subprocess.Popen([sys.executable, "-m", "connectors.telegram"], cwd=ROOT, env=env)
    try:
        telegram.updates.append(telegram_text_update(10, 5010, "doi bang lai xe"))
        sent = wait_until(lambda: telegram.sent("sendMessage", 5010), timeout=60)
        assert "(mã 3.000347)" in sent[0]["text"]
    finally:
        poller.terminate()
        poller.wait(20)
