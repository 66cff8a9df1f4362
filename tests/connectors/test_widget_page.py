"""The citizen widget in a real browser (Debian chromium + Playwright) on the in-process gateway with a
scripted core (tests/connectors/pages.py): what a citizen sees and can do, on a desktop and a phone."""

import pytest

from connectors import messages as msg
from storage import handover
from tests.connectors.browser import browser_page
from tests.connectors.pages import BIRTH_SOURCE

pytestmark = [pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


def open_widget(page, url, viewport=None):
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(url + "/")
    page.click(".dvc-toggle")
    page.wait_for_selector(".dvc-msg.dvc-bot")  # the greeting


def ask(page, text, timeout=15_000):
    before = page.locator(".dvc-msg.dvc-bot").count()
    page.fill(".dvc-form input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {before}", timeout=timeout)
    return page.locator(".dvc-msg.dvc-bot").nth(before)


def test_a_question_typed_while_the_bot_answers_is_shown_at_once_and_sent_after(served):
    gateway = served(slow=2.0)
    with browser_page() as page:
        open_widget(page, gateway.url)
        assert page.locator(".dvc-msg.dvc-user").count() == 0  # the greeting is not the citizen's "Xin chào"
        page.fill(".dvc-form input", "hỏi chậm: làm giấy khai sinh")
        page.keyboard.press("Enter")
        page.fill(".dvc-form input", "lệ phí bao nhiêu")
        page.keyboard.press("Enter")
        users = page.locator(".dvc-msg.dvc-user")
        assert users.count() == 2 and users.nth(1).inner_text() == "lệ phí bao nhiêu"  # shown, not lost
        assert "dvc-queued" in users.nth(1).get_attribute("class")
        page.wait_for_function("document.querySelectorAll('.dvc-msg.dvc-bot').length >= 3", timeout=15_000)
        assert gateway.core.sent[-2:] == ["hỏi chậm: làm giấy khai sinh", "lệ phí bao nhiêu"]  # in order, after
        assert "dvc-queued" not in users.nth(1).get_attribute("class")


def test_a_queued_question_survives_a_reload_and_is_sent_once(served):
    gateway = served(slow=2.0)
    with browser_page() as page:
        open_widget(page, gateway.url)
        page.fill(".dvc-form input", "hỏi chậm: làm giấy khai sinh")
        page.keyboard.press("Enter")
        page.fill(".dvc-form input", "lệ phí bao nhiêu")
        page.keyboard.press("Enter")
        assert "dvc-queued" in page.locator(".dvc-msg.dvc-user").nth(1).get_attribute("class")
        page.reload()  # before the first answer came, so before the second question was sent
        page.wait_for_selector(".dvc-msg.dvc-user")
        users = page.locator(".dvc-msg.dvc-user")
        assert users.all_inner_texts() == ["hỏi chậm: làm giấy khai sinh", "lệ phí bao nhiêu"]  # still on screen
        answered = page.locator(".dvc-msg.dvc-user:has-text('lệ phí bao nhiêu') ~ .dvc-msg.dvc-bot")
        answered.first.wait_for(timeout=15_000)  # sent after the reload, and answered
        assert "dvc-queued" not in users.nth(1).get_attribute("class")
        page.reload()  # again, once it was sent: not sent a second time
        page.wait_for_selector(".dvc-msg.dvc-user")
        page.wait_for_timeout(2500)
        assert gateway.core.sent.count("lệ phí bao nhiêu") == 1
        assert page.locator(".dvc-msg.dvc-user").all_inner_texts() == ["hỏi chậm: làm giấy khai sinh", "lệ phí bao nhiêu"]
        assert page.locator(".dvc-msg.dvc-user:has-text('lệ phí bao nhiêu') ~ .dvc-msg.dvc-bot").count() == 1


def test_on_a_phone_the_chat_fills_the_screen_with_big_chips_and_a_cue_to_the_options(served):
    gateway = served()
    with browser_page() as page:
        open_widget(page, gateway.url, PHONE)
        box = page.locator(".dvc-panel").bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
        size = page.evaluate("getComputedStyle(document.querySelector('.dvc-form input')).fontSize")
        assert float(size.removesuffix("px")) >= 16  # iOS zooms into smaller inputs

        ask(page, "cần giấy tờ gì")  # an answer taller than the screen
        in_view = page.evaluate("""() => {
            const log = document.querySelector('.dvc-log'), rows = log.querySelectorAll('.dvc-buttons');
            const row = rows[rows.length - 1].getBoundingClientRect(), view = log.getBoundingClientRect();
            return row.top < view.bottom && row.bottom > view.top; }""")
        assert in_view or page.is_visible(".dvc-cue")  # the options are visible, or cued
        if not in_view:
            page.click(".dvc-cue")
            page.wait_for_selector(".dvc-cue", state="hidden")

        navigation = page.locator(".dvc-buttons:not(.dvc-feedback)").last.locator("button")
        feedback = page.locator(".dvc-buttons.dvc-feedback").last.locator("button")
        assert navigation.all_inner_texts()[:2] == ["Giấy tờ cần chuẩn bị", "Lệ phí"]
        assert feedback.all_inner_texts() == ["Hữu ích", "Chưa đúng"]  # apart from the navigation
        heights = [b.bounding_box()["height"] for b in navigation.all() + feedback.all()]
        assert min(heights) >= 44, heights

        page.locator(".dvc-buttons button", has_text="Lệ phí").last.click()
        page.wait_for_function("document.querySelectorAll('.dvc-msg.dvc-bot').length >= 3", timeout=15_000)
        rows = page.locator(".dvc-buttons")
        old = rows.nth(0).locator("button")
        assert all(old.nth(i).is_disabled() for i in range(old.count()))  # earlier answers' chips are spent
        assert rows.last.locator("button").first.is_enabled()


def test_links_have_short_labels_codes_stay_quiet_and_a_download_is_only_its_button(served):
    gateway = served()
    with browser_page() as page:
        open_widget(page, gateway.url)
        answer = ask(page, "lệ phí khai sinh")
        link = answer.locator(f'a[href="{BIRTH_SOURCE}"]')
        assert link.inner_text() == "dichvucong.gov.vn" and "https://" not in answer.inner_text()
        code = answer.locator(".dvc-code")
        assert code.inner_text() == "(mã 1.001193)"  # kept, but set apart
        assert page.evaluate("""() => { const c = document.querySelector('.dvc-code'), m = c.closest('.dvc-msg');
            return parseFloat(getComputedStyle(c).fontSize) < parseFloat(getComputedStyle(m).fontSize); }""")

        ask(page, "điền tờ khai khai sinh")
        page.wait_for_selector(".dvc-doc")
        assert "/dossiers/" not in page.inner_text(".dvc-log") and "key=" not in page.inner_text(".dvc-log")
        assert "/dossiers/HS-2026-000123.pdf?key=" in page.get_attribute(".dvc-doc", "href")
        assert "Tải tờ khai" in page.inner_text(".dvc-doc")


def test_without_a_login_provider_the_login_says_plainly_it_is_not_available(served):
    gateway = served()  # no OIDC_ISSUER
    with browser_page() as page:
        open_widget(page, gateway.url)
        said = ask(page, "đăng nhập").inner_text()
        assert said == msg.LOGIN_UNAVAILABLE and "bên dưới" not in said
        assert page.locator(".dvc-buttons", has_text="Đăng nhập").count() == 0
        assert page.is_hidden(".dvc-head button:has-text('Đăng nhập')")


def test_the_citizen_sees_waiting_taken_officer_replies_and_the_end_of_a_handover(served):
    gateway = served()
    earlier = handover.open_handover("web", "web:someone-else", [("citizen", "cho tôi gặp cán bộ")])
    with browser_page() as page:
        open_widget(page, gateway.url)
        ask(page, "cho tôi gặp cán bộ")
        page.wait_for_selector(".dvc-status:has-text('Đang chờ cán bộ')")
        assert "1 người chờ trước bạn" in page.inner_text(".dvc-status")
        handover.close_handover(earlier)
        ours = handover.active_handover("web:" + page.evaluate("window.dvcChat.sender()"))["id"]
        handover.take_handover(ours, "Nguyễn Thị Lan")
        page.wait_for_selector(".dvc-notice:has-text('Cán bộ đã tiếp nhận')", timeout=15_000)
        assert "Cán bộ đang hỗ trợ bạn" in page.inner_text(".dvc-status")
        handover.officer_reply(ours, "Nguyễn Thị Lan", "Chào bạn, tôi là cán bộ bộ phận một cửa.")
        page.wait_for_selector(".dvc-msg.dvc-officer", timeout=15_000)
        assert page.inner_text(".dvc-msg.dvc-officer .dvc-who") == "Cán bộ"  # labelled, not like the bot
        handover.close_handover(ours)
        page.wait_for_selector(".dvc-status:has-text('Cán bộ đã kết thúc')", timeout=15_000)


RING_INSIDE_CLIPS = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) return 'no ring';
    const grow = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset), r = e.getBoundingClientRect();
    for (let p = e.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflow === 'visible') continue;
        const c = p.getBoundingClientRect();
        if (r.left - grow < c.left - 0.5 || r.top - grow < c.top - 0.5 || r.right + grow > c.right + 0.5 ||
            r.bottom + grow > c.bottom + 0.5) return 'clipped by ' + p.className;
    }
    return 'ok';
}"""


def test_tab_goes_from_the_input_to_send_to_the_chips_with_a_whole_focus_ring(served):
    gateway = served()
    with browser_page() as page:
        open_widget(page, gateway.url)
        ask(page, "lệ phí khai sinh")
        page.focus(".dvc-form input")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Gửi"
        assert page.evaluate(RING_INSIDE_CLIPS) == "ok"
        steps = 0
        while not page.evaluate("document.activeElement.closest('.dvc-buttons') !== null"):
            page.keyboard.press("Tab")  # the answer's own link may come first: nothing outside the log
            steps += 1
            assert page.evaluate("document.activeElement.closest('.dvc-log') !== null") and steps <= 2
            assert page.evaluate(RING_INSIDE_CLIPS) == "ok"
        assert page.evaluate("document.activeElement.textContent") == "Giấy tờ cần chuẩn bị"
        for _ in range(steps + 1):
            page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Câu hỏi của bạn"
        assert page.evaluate(RING_INSIDE_CLIPS) == "ok"
