"""The gateway in-process on a loopback port (uvicorn in a thread, Rasa behind a MockTransport), with
an officer's account and citizens waiting in the queue: the officers' console in a real browser
without the whole stack."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from connectors.gateway import create_app
from connectors.settings import GatewaySettings
from connectors.staff import create_account
from storage import analytics, db, handover
from tests.connectors.fakes import serve
from tests.connectors.inprocess import RASA, RASA_TOKEN, TOKEN, FakeCore

OFFICER, OFFICER_NAME, PASSWORD = "lan", "Nguyễn Thị Lan", "mat-khau-cua-lan-2026"
LONG_QUESTION = ("Chào anh chị, tôi là người ở Đà Nẵng, năm nay tôi chuẩn bị kết hôn với một người nước ngoài "
                 "và bên đó họ yêu cầu tôi phải có giấy xác nhận tình trạng hôn nhân, cho tôi hỏi tôi phải "
                 "làm ở đâu, cần mang theo giấy tờ gì và mất bao lâu thì có ạ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(handover_id: int, minutes: int) -> None:
    """Make a queued conversation look ``minutes`` old."""
    with db.engine().begin() as conn:
        conn.execute(update(handover.handovers).where(handover.handovers.c.id == handover_id)
                     .values(created_at=db.now() - timedelta(minutes=minutes)))


def long_conversation(sender: str = "web:an") -> int:
    """A citizen who asked a real question (with a phone number), read many answers, then called an officer."""
    lines = [("citizen", "Tôi muốn làm giấy xác nhận tình trạng hôn nhân, số điện thoại của tôi là 0912345678")]
    for i in range(14):
        lines.append(("bot", f"Bước {i + 1}: hồ sơ gồm tờ khai theo mẫu, giấy tờ tùy thân và giấy tờ chứng minh "
                             f"nơi cư trú; nộp tại Ủy ban nhân dân cấp xã nơi thường trú."))
        lines.append(("citizen", "vâng" if i % 2 else "còn gì nữa không"))
    lines.append(("citizen", "cho tôi gặp cán bộ"))
    return handover.open_handover("web", sender, lines)


@contextlib.contextmanager
def running_console(store: Path, core: FakeCore | None = None) -> Iterator[str]:
    """The gateway's base URL, serving a fresh store at ``store`` with the officer's account."""
    db.configure(f"sqlite:///{store}")
    try:
        create_account(OFFICER, OFFICER_NAME, PASSWORD)
        settings = GatewaySettings(rasa_url=RASA, action_server_url=RASA, officer_token=TOKEN, rasa_auth_token=RASA_TOKEN)
        app = create_app(settings, transport=httpx.MockTransport(core or FakeCore()))
        port = free_port()
        server = serve(app, port)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
    finally:
        db.configure(None)


def seed_unanswered() -> None:
    analytics.record_question(LONG_QUESTION, None, False, "web")
    analytics.record_question("giấy chưa vợ xin ở đâu", None, False, "zalo")


def sign_in(page, base: str) -> None:
    page.goto(base + "/officer/console")
    page.fill("#username", OFFICER)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector(f"#me:has-text('{OFFICER_NAME}')")
