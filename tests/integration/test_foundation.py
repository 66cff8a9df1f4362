"""Through the real gateway -> Rasa server -> action server, on loopback."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import get_procedure
from tests.helpers import post_json

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
CORE_UNAVAILABLE = "hệ thống đang bận hoặc tạm gián đoạn"


def parse_url(stack) -> str:
    """Rasa's NLU endpoint, with the API token the supervisor gave Rasa (the API refuses requests without it)."""
    return f"{stack.url('rasa')}/model/parse?token={stack.env['RASA_AUTH_TOKEN']}"


def test_rasas_http_api_refuses_requests_without_the_token(stack):
    status, _ = post_json(f"{stack.url('rasa')}/model/parse", {"text": "xin chào"})
    assert status == 401
    assert post_json(f"{stack.url('rasa')}/model/parse?token=wrong", {"text": "xin chào"})[0] == 401


def response_text(name: str) -> str:
    return DOMAIN["responses"][name][0]["text"]


def intent_of(stack, text: str) -> str:
    status, body = post_json(parse_url(stack), {"text": text})
    assert status == 200
    return body["intent"]["name"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("xin chao ban", "greet"),
        ("cam on nhieu nha", "thank"),
        ("tam biet nhe", "goodbye"),
        ("ban la ai vay", "bot_challenge"),
        ("lam giay khai sinh cho con o dau", "ask_procedure"),
        ("thu tuc nhap ho khau cho vo", "ask_procedure"),
        ("the con le phi thi sao", "ask_aspect"),
        ("mat bao lau thi xong", "ask_aspect"),
        ("cho toi gap can bo", "request_human"),
        ("tra cuu ho so HS-2026-000123", "check_dossier_status"),
        ("dien to khai giup toi", "start_dossier"),
        ("thoi tiet hom nay the nao", "out_of_scope"),
        ("ko phai", "deny"),
    ],
)
def test_unaccented_messages_reach_the_right_intent(stack, text, intent):
    assert intent_of(stack, text) == intent


def test_entities_are_extracted(stack):
    _, body = post_json(parse_url(stack), {"text": "tra cứu hồ sơ HS-2026-000123"})
    assert {"entity": "dossier_code", "value": "HS-2026-000123"}.items() <= next(
        e for e in body["entities"] if e["entity"] == "dossier_code"
    ).items()
    _, body = post_json(parse_url(stack), {"text": "thế còn le phi?"})
    assert any(e["entity"] == "aspect" and e["value"] == "lệ phí" for e in body["entities"])


def test_greeting_over_the_rest_contract(chat):
    replies = chat("u-greet", "xin chao")
    assert replies[0]["recipient_id"] == "u-greet"
    assert replies[0]["text"] == response_text("utter_greet")
    assert [b["title"] for b in replies[0]["buttons"]]


def test_procedure_answer_and_follow_up_keep_context(chat):
    birth = get_procedure("1.001193")
    first = chat("u-birth", "dang ky khai sinh cho con")[0]["text"]
    assert birth.name in first and birth.code in first and birth.source_url in first
    fee = chat("u-birth", "the con le phi?")[0]["text"]
    assert birth.code in fee and birth.ways[0].fee in fee
    switched = chat("u-birth", "không phải, ý tôi là đăng ký kết hôn")[0]["text"]
    assert get_procedure("1.000894").code in switched


def test_out_of_scope_and_fallback_then_human_offer(chat):
    assert chat("u-oos", "thời tiết hà nội ngày mai")[0]["text"] == response_text("utter_out_of_scope")
    first = chat("u-fb", "qwpoeiu lkjasd zzz")[0]
    second = chat("u-fb", "asdkjh qwe mnbv")[0]
    assert first["buttons"] and second["text"] != first["text"]
    assert any("cán bộ" in b["payload"] for b in second["buttons"])


@pytest.mark.parametrize(
    "text",
    ["", "    ", "😀🙏🎉", "<script>alert('x')</script>", "<b>làm giấy khai sinh</b>", "how do I get a passport?",
     "x" * 100_000],
)
def test_bad_input_gets_a_polite_answer_not_an_error(chat, text):
    started = time.monotonic()
    replies = chat("u-bad", text)
    assert time.monotonic() - started < 10
    assert replies and all(r.get("text") for r in replies)


def test_malformed_request_is_a_clear_4xx(stack):
    status, body = post_json(f"{stack.url('gateway')}/webhooks/rest/webhook", {"message": "xin chào"})
    assert status == 422 and "sender" in " ".join(body["fields"])


def test_health_reports_dependencies(stack):
    with urllib.request.urlopen(f"{stack.url('gateway')}/healthz", timeout=10) as response:
        assert response.status == 200


def test_dead_core_gets_an_apology_within_5_seconds(stack, tmp_path):
    env = {**os.environ, "RASA_URL": "http://127.0.0.1:9", "PYTHONPATH": str(ROOT)}
    gateway = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "connectors.gateway:create_app", "--port", "28001", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen("http://127.0.0.1:28001/livez", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        started = time.monotonic()
        status, replies = post_json("http://127.0.0.1:28001/webhooks/rest/webhook", {"sender": "u", "message": "xin chào"})
        assert time.monotonic() - started < 5
        assert status == 200 and CORE_UNAVAILABLE in replies[0]["text"]
    finally:
        gateway.terminate()
        gateway.wait(10)


def test_dead_action_server_gets_an_apology(stack, chat):
    stack.stop("actions")
    try:
        replies = chat("u-dead", "đăng ký tạm trú")
        assert CORE_UNAVAILABLE in replies[0]["text"]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{stack.url('gateway')}/healthz", timeout=10)
        assert err.value.code == 503
    finally:
        stack.start("actions")
    assert "1.004194" in chat("u-dead", "đăng ký tạm trú")[0]["text"]  # nothing lost: it answers again
