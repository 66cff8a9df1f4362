"""The kiosk page in a real browser (Debian chromium + Playwright, its fake microphone) on the
in-process gateway with a scripted core (tests/connectors/pages.py): tap to talk, answers read aloud,
sources as QR codes, big controls, the announced idle wipe, the printout."""

import datetime
import json
import shutil

import pytest

from tests.connectors.browser import browser_page
from tests.connectors.pages import BIRTH_SOURCE

pytestmark = [pytest.mark.browser]
KIOSK = {"width": 1080, "height": 1920}
# The page's microphone streams, to see whether one is still on.
WATCH_MICROPHONE = """
window.__streams = [];
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (c) => getUserMedia(c).then(s => { window.__streams.push(s); return s; });
window.__plays = 0;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.__plays++; return play.call(this); };
"""
LIVE = "window.__streams.filter(s => s.getAudioTracks().some(t => t.readyState === 'live')).length"


def open_kiosk(page, url, idle=90):
    page.set_viewport_size(KIOSK)
    page.add_init_script(WATCH_MICROPHONE)
    page.goto(f"{url}/kiosk?idle={idle}")
    page.wait_for_selector(".dvc-root.kiosk .dvc-msg.dvc-bot")


def test_one_tap_starts_recording_the_next_stops_and_sends_and_a_wipe_turns_the_microphone_off(served):
    gateway = served(stt_engine="off")  # the recording reaches the gateway; no engine to load for it
    with browser_page() as page:
        open_kiosk(page, gateway.url, idle=6)
        page.click("#talk")  # a tap: press and release
        page.wait_for_function(f"{LIVE} === 1")
        assert page.get_attribute("#talk", "aria-pressed") == "true"
        page.wait_for_timeout(800)
        assert page.evaluate(LIVE) == 1 and page.evaluate("window.__streams.length") == 1  # one recording, still on
        page.click("#talk")
        page.wait_for_function(f"{LIVE} === 0")
        assert page.get_attribute("#talk", "aria-pressed") == "false"
        page.wait_for_function("[...document.querySelectorAll('.dvc-msg.dvc-bot')].some(m => m.textContent.includes('giọng nói'))",
                               timeout=15_000)  # sent: the gateway answered that voice is off
        assert sum("/kiosk/speech" in u for u in page.requests) == 1

        page.click("#talk")
        page.wait_for_function(f"{LIVE} === 1")
        sender = page.evaluate("window.dvcChat.sender()")
        page.wait_for_function(f"window.dvcChat.sender() !== '{sender}'", timeout=15_000)  # left alone: wiped
        page.wait_for_function(f"{LIVE} === 0")
        assert page.get_attribute("#talk", "aria-pressed") == "false"
        assert sum("/kiosk/speech" in u for u in page.requests) == 1  # what was said before the wipe is not sent


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_an_answer_is_read_aloud_with_the_conversation_token_and_can_be_heard_again(served):
    gateway = served()
    with browser_page() as page:
        open_kiosk(page, gateway.url)
        spoken = []
        page.on("requestfinished", lambda r: spoken.append(r) if r.url.endswith("/kiosk/tts") else None)
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.wait_for_selector("#replay:not([disabled])", timeout=30_000)
        request = spoken[-1]
        assert request.response().status == 200 and request.headers["x-conversation-token"]
        said = json.loads(request.post_data)["text"]
        assert "Lệ phí: Miễn lệ phí." in said and "http" not in said and "(mã" not in said  # the screen shows those
        page.wait_for_function("window.__plays >= 1")
        plays = page.evaluate("window.__plays")
        page.click("#replay")
        page.wait_for_function(f"window.__plays > {plays}")


def test_sources_are_qr_codes_the_controls_are_big_and_text_can_grow(served):
    gateway = served()
    with browser_page() as page:
        open_kiosk(page, gateway.url)
        assert page.locator(".dvc-msg.dvc-user").count() == 0  # the start screen: no "Xin chào" of the citizen's
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.wait_for_selector(".dvc-qr img")
        assert page.get_attribute(".dvc-qr", "data-url") == BIRTH_SOURCE
        assert page.locator(".dvc-log a[target=_blank]").count() == 0  # no tab the idle wipe would leave open
        assert page.evaluate("document.querySelector('.dvc-qr img').naturalWidth") > 100  # drawn

        reset = page.locator(".bar #reset")
        assert reset.bounding_box()["height"] >= 64 and reset.inner_text() == "Làm mới"
        bar, chat = page.locator(".bar").bounding_box(), page.locator(".dvc-panel").bounding_box()
        assert chat["y"] + chat["height"] <= bar["y"] + 1  # the chat ends where the bar begins

        def size():
            return page.evaluate("parseFloat(getComputedStyle(document.querySelector('.dvc-msg')).fontSize)")

        normal = size()
        page.click("#larger")
        page.click("#larger")
        assert size() >= normal + 8
        page.click("#smaller")
        assert normal < size() < normal + 8
        assert "user-scalable=no" not in page.get_attribute("meta[name=viewport]", "content")

        reset.click()
        page.wait_for_function("!document.querySelector('.dvc-qr')")
        page.wait_for_selector(".dvc-msg.dvc-bot")
        assert size() == normal  # the next citizen starts with the usual size


def test_the_idle_wipe_is_announced_and_i_am_still_here_keeps_the_conversation(served):
    gateway = served()
    with browser_page() as page:
        open_kiosk(page, gateway.url, idle=6)  # the warning 3 s before (15 s at the usual 90 s)
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.wait_for_selector(".dvc-qr")
        sender = page.evaluate("window.dvcChat.sender()")
        page.wait_for_selector("#idle-warning:not([hidden])", timeout=10_000)
        assert "Tôi vẫn đang dùng" in page.inner_text("#idle-warning")
        page.click("#still-here")
        assert page.is_hidden("#idle-warning")
        page.wait_for_timeout(4000)  # past the moment the wipe was due
        assert page.evaluate("window.dvcChat.sender()") == sender and page.locator(".dvc-qr").count() == 1
        page.wait_for_function(f"window.dvcChat.sender() !== '{sender}'", timeout=15_000)  # left alone this time


def test_the_printout_names_the_office_and_the_date(served):
    gateway = served(kiosk_office_name="UBND phường Bến Thành — Bộ phận Một cửa")
    with browser_page() as page:
        open_kiosk(page, gateway.url)
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.wait_for_selector(".dvc-qr")
        page.wait_for_function("document.getElementById('print-office').textContent.includes('Bến Thành')")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        assert page.is_visible("#print-head") and page.is_hidden(".bar")
        printed = page.inner_text("#print-head")
        assert "UBND phường Bến Thành — Bộ phận Một cửa" in printed
        assert datetime.date.today().strftime("%d/%m/%Y") in printed
        assert "Miễn lệ phí" in page.inner_text(".dvc-log")


LANDSCAPE = {"width": 1920, "height": 1080}


def tap(page, *keys):
    """Taps keys of the on-screen keyboard by what they say (a letter, "Dấu sắc", "Xóa", "Gửi"…)."""
    for key in keys:
        page.locator("#keyboard").get_by_role("button", name=key, exact=True).click()


def keyboard_problems(page):
    """Keys smaller than a finger (60 px), and whether the keyboard overlaps the chat or the button bar."""
    keyboard, bar, chat = (page.locator(s).bounding_box() for s in ("#keyboard", ".bar", ".dvc-panel"))
    problems = [f"{k.inner_text()!r} {k.bounding_box()['width']:.0f}×{k.bounding_box()['height']:.0f}"
                for k in page.locator("#keyboard button").all()
                if min(k.bounding_box()["width"], k.bounding_box()["height"]) < 60]
    if chat["y"] + chat["height"] > keyboard["y"] + 1:
        problems.append("the keyboard covers the chat")
    if keyboard["y"] + keyboard["height"] > bar["y"] + 1 or keyboard["y"] < 0:
        problems.append("the keyboard is not between the chat and the bar")
    return problems


def test_the_on_screen_keyboard_types_vietnamese_with_tones_sends_and_leaves_the_answer_in_view(served):
    gateway = served()
    with browser_page(bypass_csp=False) as page:  # under the page's own policy: no inline script, no outside file
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_viewport_size(KIOSK)
        page.goto(f"{gateway.url}/kiosk")
        page.wait_for_selector(".dvc-root.kiosk .dvc-msg.dvc-bot")
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.locator(".dvc-msg.dvc-bot").nth(1).wait_for()
        assert page.is_hidden("#keyboard")  # the answer has the screen until the citizen wants to type

        page.click(".dvc-form input")  # a tap on the question box opens the keyboard
        page.wait_for_selector("#keyboard", state="visible")
        assert page.get_attribute("#keyboard-toggle", "aria-pressed") == "true"
        assert keyboard_problems(page) == []
        for key in ["a", "z", "ă", "â", "đ", "ê", "ô", "ơ", "ư", "0", "9", "Dấu sắc", "Dấu huyền", "Dấu hỏi", "Dấu ngã",
                    "Dấu nặng", "Dấu cách", "Xóa", "Gửi", "Đóng bàn phím"]:
            assert page.locator("#keyboard").get_by_role("button", name=key, exact=True).count() == 1, key

        def typed():
            return page.input_value(".dvc-form input")

        # The tone goes on the right vowel of the word being typed, wherever the citizen puts it.
        tap(page, "h", "o", "a", "Dấu sắc")
        assert typed() in ("hóa", "hoá")
        tap(page, "Dấu cách", "q", "u", "y", "Dấu huyền")
        assert typed().endswith(" quỳ")
        tap(page, "Dấu cách", "n", "g", "ư", "ơ", "i", "Dấu huyền")
        assert typed().endswith(" người")
        tap(page, "Dấu cách", "t", "o", "a", "n", "Dấu sắc")  # a closed syllable: on the second vowel
        assert typed().endswith(" toán")
        tap(page, "Dấu cách", "d", "a", "đ", "Dấu hỏi", "Dấu ngã")  # đ after the d; a second tone replaces the first
        assert typed() in ("hóa quỳ người toán đã", "hoá quỳ người toán đã")
        for _ in range(len("hóa quỳ người toán đã")):
            tap(page, "Xóa")
        assert typed() == ""

        # "hộ chiếu": the hat (ô, ê) may come after its vowel, the tone after the whole word.
        tap(page, "h", "o", "ô", "Dấu nặng", "Dấu cách", "c", "h", "i", "e", "u", "ê", "Dấu sắc")
        assert typed() == "hộ chiếu"
        tap(page, "Gửi")
        page.locator(".dvc-msg.dvc-user", has_text="hộ chiếu").wait_for()
        page.locator(".dvc-msg.dvc-bot").nth(2).wait_for()  # answered
        assert gateway.core.sent[-1] == "hộ chiếu"  # sent as typed, with its diacritics
        assert typed() == "" and page.is_visible("#keyboard")  # ready for the next question

        answer = page.locator(".dvc-msg.dvc-bot").nth(2).bounding_box()
        log, keyboard = page.locator(".dvc-log").bounding_box(), page.locator("#keyboard").bounding_box()
        assert log["y"] <= answer["y"] and answer["y"] + 40 <= log["y"] + log["height"] <= keyboard["y"] + 1  # in view
        assert keyboard_problems(page) == []

        tap(page, "Đóng bàn phím")
        page.wait_for_selector("#keyboard", state="hidden")
        assert page.get_attribute("#keyboard-toggle", "aria-pressed") == "false"
        bar, chat = page.locator(".bar").bounding_box(), page.locator(".dvc-panel").bounding_box()
        assert abs(chat["y"] + chat["height"] - bar["y"]) <= 1  # the chat has the room back
        page.click("#keyboard-toggle")  # "Bàn phím" opens it again
        page.wait_for_selector("#keyboard", state="visible")
        assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []


def test_the_keyboard_fits_a_landscape_kiosk(served):
    gateway = served()
    with browser_page() as page:
        page.set_viewport_size(LANDSCAPE)
        page.goto(f"{gateway.url}/kiosk")
        page.wait_for_selector(".dvc-root.kiosk .dvc-msg.dvc-bot")
        page.click("button[data-ask]:has-text('Khai sinh')")
        page.locator(".dvc-msg.dvc-bot").nth(1).wait_for()
        page.click("#keyboard-toggle")
        page.wait_for_selector("#keyboard", state="visible")
        assert keyboard_problems(page) == []
        assert page.locator(".dvc-log").bounding_box()["height"] >= 200  # room left to read the answer
        tap(page, "c", "a", "Dấu cách", "c", "u", "o", "ư", "ơ", "c", "Dấu sắc")
        assert page.input_value(".dvc-form input") == "ca cước"


def test_the_idle_wipe_closes_the_keyboard_and_clears_what_was_typed(served):
    gateway = served()
    with browser_page() as page:
        open_kiosk(page, gateway.url, idle=6)
        page.click("#keyboard-toggle")
        page.wait_for_selector("#keyboard", state="visible")
        tap(page, "h", "ô", "Dấu nặng")
        assert page.input_value(".dvc-form input") == "hộ"
        sender = page.evaluate("window.dvcChat.sender()")
        page.wait_for_function(f"window.dvcChat.sender() !== '{sender}'", timeout=15_000)  # left alone: wiped
        assert page.is_hidden("#keyboard") and page.input_value(".dvc-form input") == ""
        assert page.get_attribute("#keyboard-toggle", "aria-pressed") == "false"
        bar, chat = page.locator(".bar").bounding_box(), page.locator(".dvc-panel").bounding_box()
        assert abs(chat["y"] + chat["height"] - bar["y"]) <= 1
