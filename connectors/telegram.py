"""Telegram channel (python-telegram-bot 22): translate updates to core messages and replies back.

Webhook mode runs inside the gateway (``/webhooks/telegram``); polling mode, for small
deployments without a public URL: ``python -m connectors.telegram``.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urljoin

import httpx
from starlette.concurrency import run_in_threadpool
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from connectors.core import ask_core
from connectors.replies import Reply, from_rest
from dossiers import store

logger = logging.getLogger(__name__)
GATEWAY_URL = os.environ.get("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}")


def sender_id(chat_id: int) -> str:
    return f"telegram:{chat_id}"


async def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard; payloads go through short keys (callback_data ≤ 64 bytes)."""
    if not reply.buttons:
        return None
    keys = [await run_in_threadpool(store.payload_key, b.payload) for b in reply.buttons]
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.title, callback_data=k)] for b, k in zip(reply.buttons, keys)])


async def send_reply(bot: Bot, http: httpx.AsyncClient, chat_id: int, reply: Reply) -> None:
    """One reply in Telegram's means: text with an inline keyboard; a document as a file."""
    if reply.text:
        await bot.send_message(chat_id, reply.text, reply_markup=await keyboard(reply))
    if reply.document:
        response = await http.get(urljoin(GATEWAY_URL + "/", reply.document.url), timeout=30)
        response.raise_for_status()
        await bot.send_document(chat_id, document=response.content, filename=reply.document.filename)


async def deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> None:
    """Ask the core and send every reply to the chat."""
    http = http_client(context.application)
    for reply in from_rest(await ask_core(sender_id(chat_id), text, http)):
        await send_reply(context.bot, http, chat_id, reply)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context, update.effective_chat.id, "xin chào")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context, update.effective_chat.id, update.effective_message.text or "")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    payload = await run_in_threadpool(store.payload_for, query.data or "")
    await deliver(context, query.message.chat.id, payload or "")


def http_client(application: Application) -> httpx.AsyncClient:
    """One HTTP client per Application, created on first use (post_init only runs under run_polling)."""
    if "http" not in application.bot_data:
        application.bot_data["http"] = httpx.AsyncClient()
    return application.bot_data["http"]


async def _close_http(application: Application) -> None:
    if "http" in application.bot_data:
        await application.bot_data.pop("http").aclose()


def build_application(token: str, base_url: str | None = None, polling: bool = False) -> Application:
    """The Application with our handlers; ``base_url`` points at a Bot API server (tests use a local fake)."""
    builder = Application.builder().token(token).post_shutdown(_close_http)
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    return application


def main() -> None:
    """Polling mode: no public URL needed."""
    logging.basicConfig(level=logging.INFO)
    application = build_application(os.environ["TELEGRAM_BOT_TOKEN"], os.environ.get("TELEGRAM_API_BASE"), polling=True)
    application.run_polling()


if __name__ == "__main__":
    main()
