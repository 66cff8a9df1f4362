"""Telegram channel (python-telegram-bot 22): updates -> ``Inbound``, replies -> Telegram messages.

Webhook mode runs inside the gateway (``/webhooks/telegram``); polling mode, for small
deployments without a public URL: ``python -m connectors.telegram``.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

import httpx
from starlette.concurrency import run_in_threadpool
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import InlineKeyboardButtonLimit
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from connectors.core import Core
from connectors.settings import GatewaySettings
from connectors.turn import Inbound, Reply
from storage import channels

CHANNEL = "telegram"
START_TEXT = "xin chào"  # what /start says to the core
assert channels.PAYLOAD_KEY_CHARS <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA


async def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard; payloads go through short keys (callback_data is limited),
    links open in the browser."""
    if not reply.buttons:
        return None
    rows = []
    for b in reply.buttons:
        if b.url:
            rows.append([InlineKeyboardButton(b.title, url=b.url)])
        else:
            rows.append([InlineKeyboardButton(b.title, callback_data=await run_in_threadpool(channels.payload_key, b.payload))])
    return InlineKeyboardMarkup(rows)


async def send_reply(bot: Bot, core: Core, chat_id: int, reply: Reply) -> None:
    """One reply in Telegram's means: text with an inline keyboard; a document as a file."""
    if reply.text:
        await bot.send_message(chat_id, reply.text, reply_markup=await keyboard(reply))
    if reply.document:
        response = await core.http.get(urljoin(core.settings.internal_url + "/", reply.document.url), timeout=30)
        response.raise_for_status()
        await bot.send_document(chat_id, document=response.content, filename=reply.document.filename)


async def deliver(context: ContextTypes.DEFAULT_TYPE, inbound: Inbound) -> None:
    """Ask the core and send every reply to the chat."""
    core: Core = context.application.bot_data["core"]
    for reply in await core.ask(inbound):
        await send_reply(context.bot, core, int(inbound.sender_id), reply)


def well_formed(update: Update) -> bool:
    """Whether the chat an update belongs to has an integer id, as Telegram's always do (the replies go to
    ``int(chat id)``; a forged "abc" failed there, after the webhook had taken the update)."""
    chats = [update.effective_chat]
    if update.callback_query is not None and update.callback_query.message is not None:
        chats.append(update.callback_query.message.chat)
    return all(chat is None or (type(chat.id) is int) for chat in chats)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context, Inbound(CHANNEL, str(update.effective_chat.id), START_TEXT))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context, Inbound(CHANNEL, str(update.effective_chat.id), update.effective_message.text or ""))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    payload = await run_in_threadpool(channels.payload_for, query.data or "")
    await deliver(context, Inbound(CHANNEL, str(query.message.chat.id), payload=payload or ""))


def build_application(core: Core, polling: bool = False) -> Application:
    """The Application with our handlers, talking to ``core``; the Bot API server comes from the
    settings (tests point it at a local fake)."""
    settings = core.settings
    builder = Application.builder().token(settings.telegram_bot_token.get_secret_value())
    if settings.telegram_api_base:
        base = settings.telegram_api_base
        builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot"))
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["core"] = core
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    return application


def main() -> None:
    """Polling mode: no public URL needed."""
    logging.basicConfig(level=logging.INFO)
    settings = GatewaySettings()

    async def close_http(application: Application) -> None:
        await application.bot_data["core"].http.aclose()

    application = build_application(Core(settings, httpx.AsyncClient()), polling=True)
    application.post_shutdown = close_http
    application.run_polling()


if __name__ == "__main__":
    main()
