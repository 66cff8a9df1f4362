"""The officers' console in a real browser (Debian chromium + Playwright) against the gateway in-process
(tests/connectors/console_server.py): what a busy officer reads is left in place, the queue says who
waits for what and since when, closing is confirmed and the citizen told, a wording is taught with the
procedure found by name and can be undone. The end-to-end run with Rasa is tests/integration/test_console.py."""

import re

import httpx
import pytest

from connectors import messages as msg
from storage import aliases, audit, handover
from tests.connectors.browser import browser_page
from tests.connectors.console_server import (
    LONG_QUESTION,
    OFFICER_NAME,
    long_conversation,
    running_console,
    seed_unanswered,
    sign_in,
    wait,
)

pytestmark = pytest.mark.browser


@pytest.fixture()
def console(tmp_path):
    with running_console(tmp_path / "app.db") as base:
        yield base


@pytest.fixture()
def desk(console):
    with browser_page() as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        yield page


def lines(page):
    return page.locator("#transcript .line").count()


def test_a_queue_change_neither_rebuilds_the_transcript_nor_moves_what_the_officer_reads(console, desk):
    reading = long_conversation()
    sign_in(desk, console)
    desk.click(f"#queue li button[data-id='{reading}']")
    desk.wait_for_selector("#transcript .line")
    total = lines(desk)
    assert desk.evaluate("(() => { const t = document.getElementById('transcript');"
                         " return t.scrollHeight - t.scrollTop - t.clientHeight; })()") < 24  # opened at the end
    desk.evaluate("document.getElementById('transcript').scrollTop = 120; window.firstLine = document.querySelector('#transcript .line')")

    handover.open_handover("zalo", "zalo:binh", [("citizen", "đăng ký tạm trú ở đâu"), ("citizen", "cho tôi gặp cán bộ")])
    desk.wait_for_selector("#queue li:nth-child(2)")  # another citizen arrived
    handover.add_transcript(reading, "citizen", "anh chị ơi, tôi còn câu hỏi nữa")  # and ours wrote again
    desk.wait_for_function(f"document.querySelectorAll('#transcript .line').length === {total + 1}")
    assert desk.evaluate("document.getElementById('transcript').scrollTop") == 120
    assert desk.evaluate("window.firstLine === document.querySelector('#transcript .line')")  # appended, not rebuilt
    assert desk.locator("#transcript .line").last.inner_text().endswith("anh chị ơi, tôi còn câu hỏi nữa")
    desk.wait_for_selector("#jump:visible")  # the officer sees something new came below

    desk.click("#jump")  # back at the end, the transcript follows what comes
    handover.add_transcript(reading, "citizen", "ví dụ như lệ phí")
    desk.wait_for_function(f"document.querySelectorAll('#transcript .line').length === {total + 2}")
    assert desk.evaluate("(() => { const t = document.getElementById('transcript');"
                         " return t.scrollHeight - t.scrollTop - t.clientHeight; })()") < 24
    assert desk.locator("#jump").is_hidden()


def test_the_queue_shows_each_citizens_wait_procedure_and_question_and_announces_arrivals(console, desk):
    first = handover.open_handover("web", "web:an", [
        ("citizen", "con tôi 5 tuổi ở nhờ nhà bà ngoại, số của tôi 0912345678, đăng ký cho cháu thế nào"),
        ("bot", "Thủ tục Đăng ký tạm trú (mã 1.004194): hồ sơ gồm tờ khai thay đổi thông tin cư trú..."),
        ("citizen", "vâng"), ("citizen", "cho tôi gặp cán bộ")])
    wait(first, 7)
    desk.add_init_script("window.tones = 0; const made = AudioContext.prototype.createOscillator;"
                         "AudioContext.prototype.createOscillator = function () { window.tones++; return made.call(this); };")
    sign_in(desk, console)
    item = desk.locator(f"#queue li button[data-id='{first}']")
    item.wait_for()
    assert item.locator(".wait").inner_text() == "chờ 7 phút"
    assert item.locator(".procedure").inner_text() == "Thủ tục: Đăng ký tạm trú (mã 1.004194)"
    preview = item.locator(".preview").inner_text()
    assert "ở nhờ nhà bà ngoại" in preview and "091****678" in preview  # the question, masked as stored
    assert "0912345678" not in desk.content() and "gặp cán bộ" not in preview
    assert re.match(r"\(1\) Bàn làm việc cán bộ", desk.title())
    assert not desk.is_checked("#chime")  # no sound unless the officer wants it

    second = handover.open_handover("zalo", "zalo:binh", [("citizen", "gặp nhân viên")])
    desk.wait_for_selector(f"#arrivals:has-text('#{second} · Zalo')")
    assert re.match(r"\(2\) ", desk.title()) and desk.evaluate("window.tones") == 0

    desk.check("#chime")  # a sample tone, and the choice is kept
    assert desk.evaluate("window.tones") == 1 and desk.evaluate("localStorage.getItem('dvc-officer-chime')") == "on"
    third = handover.open_handover("telegram", "telegram:42", [("citizen", "xin cấp lại căn cước bị mất")])
    desk.wait_for_selector(f"#arrivals:has-text('#{third} · Telegram')")
    assert desk.evaluate("window.tones") == 2 and re.match(r"\(3\) ", desk.title())
    taken = desk.locator(f"#queue li button[data-id='{third}'] .preview").inner_text()
    assert taken == "“xin cấp lại căn cước bị mất”"


def test_closing_is_confirmed_and_the_citizen_told_quick_replies_keep_the_draft_lines_say_who_and_when(console):
    conversation = handover.open_handover("rest", "rest:u1", [("citizen", "hồ sơ khai sinh của tôi bị trả lại"),
                                                              ("bot", "Bạn vui lòng chờ cán bộ."), ("citizen", "cho tôi gặp cán bộ")])
    with browser_page(bypass_csp=False) as desk:  # under the page's own content security policy
        desk.set_viewport_size({"width": 1366, "height": 768})
        sign_in(desk, console)
        desk.click(f"#queue li button[data-id='{conversation}']")
        first = desk.locator("#transcript .line").first
        first.wait_for()
        assert first.locator(".who").inner_text() == "Công dân"
        assert re.fullmatch(r"\d{2}:\d{2}", first.locator("time").inner_text())
        assert desk.locator("#transcript .line.bot .who").inner_text() == "Trợ lý ảo"
        # "Kết thúc" is away from "Nhận phục vụ": at the conversation's head, not beside it
        take, close = desk.locator("#take").bounding_box(), desk.locator("#close").bounding_box()
        assert abs(take["y"] - close["y"]) > 200
        desk.click("#take")
        desk.wait_for_selector(f"#conversation-title:has-text('{OFFICER_NAME}')")

        desk.fill("#reply", "Anh chờ tôi một chút.")
        desk.click("[data-quick]:has-text('Cảm ơn')")  # the caret was at the end of the draft
        assert desk.input_value("#reply") == ("Anh chờ tôi một chút. Cảm ơn anh/chị. Nếu cần thêm, anh/chị cứ nhắn "
                                              "cho trợ lý ảo nhé.")
        desk.fill("#reply", "hồ sơ đã đủ.")
        desk.locator("#reply").press("Control+Home")
        desk.click("[data-quick]:has-text('Chào hỏi')")
        assert desk.input_value("#reply").startswith("Chào anh/chị, tôi là cán bộ") and desk.input_value("#reply").endswith(" hồ sơ đã đủ.")
        desk.click("#send")
        officer = desk.locator("#transcript .line.officer")
        officer.wait_for()
        assert officer.locator(".who").inner_text() == f"Cán bộ {OFFICER_NAME}"

        desk.click("#close")  # asked first; "no" leaves everything as it was
        desk.wait_for_selector("#confirm-close:has-text('trợ lý ảo tiếp tục')")
        desk.click("#confirm-close-no")
        assert desk.locator("#confirm-close").is_hidden() and handover.get_handover(conversation)["status"] == "active"
        desk.fill("#reply", "một bản nháp")
        desk.click("#close")
        desk.wait_for_selector("#confirm-close-draft:visible")  # an unsent draft would be dropped: said
        desk.click("#confirm-close-yes")
        desk.wait_for_selector("#conversation", state="hidden")
        desk.wait_for_selector("#notice:has-text('công dân đã được báo')")
    assert handover.get_handover(conversation)["status"] == "closed"
    said = [r["text"] for r in httpx.post(f"{console}/webhooks/rest/webhook", json={"sender": "u1", "message": "cảm ơn"}).json()]
    # in the citizen's conversation: the officer's reply, then that the officer has gone and the assistant goes on
    assert said[1:] == [msg.HANDOVER_CLOSED, "Chào bạn"] and said[0].endswith("hồ sơ đã đủ.")
    assert "kết thúc" in msg.HANDOVER_CLOSED and "Trợ lý ảo sẽ tiếp tục" in msg.HANDOVER_CLOSED


def test_a_wording_is_taught_with_the_procedure_found_by_name_and_undone(console, desk):
    seed_unanswered()
    sign_in(desk, console)
    desk.click("#tab-stats")
    long_row = desk.locator("#unanswered tbody tr", has_text=LONG_QUESTION[:40])
    short_row = desk.locator("#unanswered tbody tr", has_text="giấy chưa vợ xin ở đâu")
    long_row.wait_for()
    assert short_row.locator("input[aria-label='Cụm từ của công dân']").input_value() == "giấy chưa vợ xin ở đâu"
    phrase = long_row.locator("input[aria-label='Cụm từ của công dân']")
    assert phrase.input_value() == "" and LONG_QUESTION[:30] in phrase.get_attribute("placeholder")

    phrase.fill("giấy chưa vợ")
    long_row.locator("input[aria-label='Tìm thủ tục theo tên hoặc mã']").fill("xác nhận độc thân")
    option = long_row.locator(".results button", has_text="1.004873")
    option.wait_for(timeout=15_000)
    option.click()
    assert long_row.locator(".chosen").inner_text() == "Đã chọn: Cấp Giấy xác nhận tình trạng hôn nhân (mã 1.004873)"
    phrase.fill("giấy chưa vợ cho 0912 345 678")  # personal data: refused, and the officer told why
    long_row.locator("button", has_text="Dạy trợ lý").click()
    long_row.locator(".taught.failed").wait_for()
    assert long_row.locator(".taught").inner_text() == msg.ALIAS_PERSONAL_DATA and aliases.listed() == []
    phrase.fill("giấy chưa vợ")
    long_row.locator("button", has_text="Dạy trợ lý").click()
    taught = long_row.locator(".taught")  # said in the row, next to the form
    taught.locator("button", has_text="Hoàn tác").wait_for()
    assert "Đã gắn “giấy chưa vợ” với thủ tục Cấp Giấy xác nhận tình trạng hôn nhân" in taught.inner_text()
    assert [(a["phrase"], a["procedure_code"]) for a in aliases.listed()] == [("giấy chưa vợ", "1.004873")]

    taught.locator("button", has_text="Hoàn tác").click()
    desk.wait_for_selector("#unanswered .taught:has-text('Đã hoàn tác')")
    assert aliases.listed() == []
    logged = [(e["actor"], e["action"], e["target"]) for e in reversed(audit.entries())]
    assert logged == [(OFFICER_NAME, "alias", "1.004873"), (OFFICER_NAME, "alias_removed", "1.004873")]
