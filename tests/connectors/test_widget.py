"""The embeddable widget in a real browser (Debian chromium + Playwright) against the real stack."""

from urllib.parse import urlparse

import pytest

from knowledge.catalogue import get_procedure
from tests.connectors.browser import browser_page

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def bot_messages(page):
    return page.locator(".dvc-msg.dvc-bot")


def ask(page, text):
    before = bot_messages(page).count()
    page.fill(".dvc-form input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {before}", timeout=30_000)
    return bot_messages(page).nth(before).inner_text()


def test_question_button_reply_history_and_no_outside_request(stack):
    base = stack.url("gateway")
    with browser_page() as page:
        page.goto(base + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")  # greeting
        assert page.get_attribute(".dvc-log", "aria-live") == "polite"
        birth = get_procedure("1.001193")
        answer = ask(page, "lam giay khai sinh cho con")
        assert f"(mã {birth.code})" in answer
        assert page.locator(f'.dvc-log a[href="{birth.source_url}"]').count() >= 1  # link is clickable

        before = bot_messages(page).count()
        page.locator(".dvc-buttons button", has_text="Lệ phí").last.click()
        page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {before}", timeout=30_000)
        assert birth.ways[0].fee in bot_messages(page).nth(before).inner_text()

        shown = page.locator(".dvc-msg").count()
        page.reload()
        page.wait_for_selector(".dvc-msg")
        assert page.locator(".dvc-msg").count() == shown  # history kept for the session

        hosts = {urlparse(u).hostname for u in page.requests if u.startswith("http")}
        assert hosts <= {"127.0.0.1"}, hosts


def test_text_is_escaped_never_html(stack):
    with browser_page() as page:
        page.goto(stack.url("gateway") + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        page.fill(".dvc-form input", '<img src=x onerror="window.pwned=1"> làm hộ chiếu')
        page.keyboard.press("Enter")
        page.wait_for_selector(".dvc-msg.dvc-user")
        assert page.locator(".dvc-log img").count() == 0
        assert "<img" in page.locator(".dvc-msg.dvc-user").last.inner_text()
        assert page.evaluate("window.pwned") is None


def test_keyboard_only_use(stack):
    with browser_page() as page:
        page.goto(stack.url("gateway") + "/")
        page.focus(".dvc-toggle")
        page.keyboard.press("Enter")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Câu hỏi của bạn"
        page.keyboard.type("dang ky tam tru")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('.dvc-msg.dvc-bot').length > 1", timeout=30_000)
        page.keyboard.press("Escape")
        assert page.is_visible(".dvc-toggle")


def test_a_long_answer_is_shown_from_its_start_and_no_glyph_needs_an_emoji_font(stack):
    with browser_page() as page:
        page.goto(stack.url("gateway") + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        for question in ("đăng ký thường trú", "cần giấy tờ gì"):  # the papers answer is taller than the log
            ask(page, question)
        top_visible = page.evaluate("""() => {
            const log = document.querySelector('.dvc-log');
            const answers = document.querySelectorAll('.dvc-msg.dvc-bot');
            const last = answers[answers.length - 1];
            return last.offsetTop - log.offsetTop >= log.scrollTop - 1 &&
                   last.offsetTop - log.offsetTop <= log.scrollTop + log.clientHeight;
        }""")
        assert top_visible  # the start of the answer, not its end
        visible = page.inner_text(".dvc-root")
        assert not [ch for ch in visible if ord(ch) >= 0x1F000], "emoji the kiosk font cannot draw"


def test_the_widget_works_under_the_pages_content_security_policy(stack):
    with browser_page(bypass_csp=False) as page:
        violations = []
        page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
        page.goto(stack.url("gateway") + "/")
        page.click(".dvc-toggle")
        page.wait_for_selector(".dvc-msg.dvc-bot")  # the greeting came through the policy
        page.fill(".dvc-form input", "dang ky tam tru")
        page.keyboard.press("Enter")
        page.wait_for_selector(".dvc-msg.dvc-bot >> nth=1", timeout=30_000)
        assert "1.004194" in page.locator(".dvc-msg.dvc-bot").nth(1).inner_text()
        assert violations == []
