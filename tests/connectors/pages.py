"""The citizen pages (widget, kiosk) in a real browser against the gateway served in-process on loopback,
with a scripted core in place of Rasa: the replies a page has to present (long source links, procedure
codes, a dossier's download, feedback chips, a login offer, a slow answer) on demand, in seconds.
The end-to-end suite (tests/connectors/test_widget.py, test_kiosk.py) runs the same pages on the real stack."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from connectors.core import RASA_CHANNEL_PATH
from connectors.gateway import create_app
from connectors.settings import GatewaySettings
from storage import handover
from storage.identities import LOGIN_MARK
from tests.connectors.fakes import serve

BIRTH_SOURCE = ("https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
                "?ma_thu_tuc=1.001193&tinh=79&huyen=0&xa=0&nhom=1")
NEXT_STEPS = [("Giấy tờ cần chuẩn bị", "cần giấy tờ gì"), ("Lệ phí", "lệ phí bao nhiêu"), ("Thời gian", "mất bao lâu"),
              ("Nơi nộp", "nộp ở đâu"), ("Nộp trực tuyến", "nộp trực tuyến được không")]
RATING = [("Hữu ích", '/give_feedback{"rating": "5"}'), ("Chưa đúng", '/give_feedback{"rating": "1"}')]
PAPERS = "\n".join(f"• Giấy tờ số {i}: bản chính hoặc bản sao có chứng thực, kèm theo bản dịch nếu là giấy tờ nước ngoài"
                   for i in range(1, 16))


def buttons(pairs):
    return [{"title": t, "payload": p} for t, p in pairs]


def scripted(message: str) -> list[dict]:
    """What the scripted core answers to a citizen's message (the shapes the real actions send)."""
    text = message.lower()
    if text == "xin chào":
        return [{"text": "Xin chào! Tôi là trợ lý ảo Dịch vụ công. Bạn cần hỏi thủ tục gì?",
                 "buttons": buttons([("Khai sinh", "làm giấy khai sinh"), ("Tạm trú", "đăng ký tạm trú")])}]
    if "đăng nhập" in text:
        return [{"text": "Bạn bấm nút bên dưới để đăng nhập bằng tài khoản định danh điện tử; xong thì quay lại đây "
                         "trò chuyện tiếp."}, {"custom": {LOGIN_MARK: True}}]
    if "tờ khai" in text:
        url = "/dossiers/HS-2026-000123.pdf?key=Zk3JvQ9mB1xYtR7pLc2WuE8sNa4HdG6f"
        return [{"text": "Đã tạo hồ sơ nháp mã HS-2026-000123 cho thủ tục Đăng ký khai sinh (mã 1.001193). "
                         f"Bạn tải tờ khai để in và ký: {url}\nTra cứu tình trạng: nhắn “tra cứu hồ sơ HS-2026-000123”."},
                {"custom": {"document": {"url": url, "filename": "HS-2026-000123.pdf"}}}]
    if "giấy tờ" in text:
        return [{"text": f"Đăng ký khai sinh (mã 1.001193) — Giấy tờ cần chuẩn bị:\n{PAPERS}\nNguồn: {BIRTH_SOURCE}",
                 "buttons": buttons(NEXT_STEPS + RATING)}]
    if "cán bộ" in text:
        return [{"text": "Tôi đã chuyển cuộc trò chuyện tới cán bộ hỗ trợ. Cán bộ sẽ trả lời bạn ngay tại đây khi "
                         "tiếp nhận; trong lúc chờ, bạn vẫn có thể hỏi tôi."}]
    return [{"text": f"Đăng ký khai sinh (mã 1.001193)\nLệ phí: Miễn lệ phí.\nThời gian giải quyết: Ngay trong ngày.\n"
                     f"Nguồn: {BIRTH_SOURCE}",
             "buttons": buttons(NEXT_STEPS + RATING)}]


class ScriptedCore:
    """Rasa's channel as the gateway sees it; ``slow`` words in a message delay its answer (seconds)."""

    def __init__(self, slow: float = 0.0) -> None:
        self.slow = slow
        self.sent: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == RASA_CHANNEL_PATH:
            body = json.loads(request.content)
            self.sent.append(body["message"])
            if "chậm" in body["message"]:
                await asyncio.sleep(self.slow)
            if "cán bộ" in body["message"]:  # what the handover action does
                handover.open_handover(body["input_channel"], body["sender"], [("citizen", body["message"])])
            return httpx.Response(200, json=[{"recipient_id": body["sender"], **r} for r in scripted(body["message"])])
        return httpx.Response(200, json={})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, url: str, core: ScriptedCore) -> None:
        self.url, self.core = url, core


@pytest.fixture()
def served(app_db) -> Iterator:
    """served(**settings) -> the gateway on loopback (``.url``) with a scripted core (``.core``, 2 s slow)."""
    servers = []

    def make(**settings) -> Served:
        core = ScriptedCore(slow=settings.pop("slow", 2.0))
        port = free_port()
        config = GatewaySettings(**{"rasa_url": "http://rasa.test", "action_server_url": "http://rasa.test",
                                    "officer_token": "staff-token", "rasa_auth_token": "rasa-token",
                                    "core_timeout_s": 30, "public_base_url": f"http://127.0.0.1:{port}",
                                    "rate_limit_conversation": "6000/minute", "rate_limit_address": "60000/minute",
                                    **settings})
        servers.append(serve(create_app(config, transport=httpx.MockTransport(core)), port))
        return Served(f"http://127.0.0.1:{port}", core)

    yield make
    for server in servers:
        server.should_exit = True
