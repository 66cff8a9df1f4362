"""The kiosk page in a real browser, and the kiosk voice endpoints."""

import io
import json
import os
import re
import urllib.error
import urllib.request
import wave
import zipfile
from pathlib import Path

import pytest

from connectors import messages as msg
from connectors.speech import speech_to_text
from tests.connectors.browser import browser_page
from tests.helpers import post_raw

HUMAN_SPEECH = Path(__file__).resolve().parents[2] / "var/test-assets/vieneu-3.8.3-py3-none-any.whl"

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_big_buttons_ask_and_idle_wipes_the_session(stack):
    with browser_page() as page:
        page.goto(stack.url("gateway") + "/kiosk?idle=3")
        page.wait_for_selector(".dvc-root.kiosk .dvc-msg.dvc-bot")  # opens full screen with a greeting
        page.click("button[data-ask]:has-text('Kết hôn')")
        page.wait_for_function("[...document.querySelectorAll('.dvc-msg.dvc-bot')].some(m => m.textContent.includes('1.000894'))",
                               timeout=30_000)
        size = page.evaluate("getComputedStyle(document.querySelector('[data-ask]')).fontSize")
        assert float(size.removesuffix("px")) >= 22
        assert page.is_visible("#print")
        sender = page.evaluate("window.dvcChat.sender()")
        page.wait_for_function(f"window.dvcChat.sender() !== '{sender}'", timeout=15_000)  # wiped after idle
        assert "1.000894" not in page.inner_text(".dvc-log")


def wav_bytes(seconds: float = 0.5, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def kiosk_token(base: str) -> str:
    """A kiosk conversation's token: the voice routes serve a kiosk's own conversation only."""
    start = urllib.request.Request(f"{base}/webhooks/rest/conversations", data=b'{"device": "kiosk"}',
                                   headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(start, timeout=30).read())["token"]


def test_speech_endpoint_answers_in_vietnamese_without_an_engine_or_with_bad_audio(stack):
    url = f"{stack.url('gateway')}/kiosk/speech"
    headers = {"Content-Type": "audio/wav", "X-Conversation-Token": kiosk_token(stack.url("gateway"))}
    request = urllib.request.Request(url, data=b"not audio", headers=headers)
    try:
        body = json.loads(urllib.request.urlopen(request, timeout=30).read())
    except urllib.error.HTTPError as error:
        assert error.code == 400
        body = {"message": json.loads(error.read())["detail"]}
    assert body["message"] == (msg.AUDIO_UNREADABLE if speech_to_text() else msg.VOICE_UNAVAILABLE)
    assert post_raw(url, wav_bytes(), headers) == 200
    assert post_raw(url, wav_bytes(), {"Content-Type": "audio/wav"}) == 401  # no kiosk conversation


def test_text_to_speech_with_espeak(stack):
    import shutil

    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    base = stack.url("gateway")
    start = urllib.request.Request(f"{base}/webhooks/rest/conversations", data=b'{"device": "kiosk"}',
                                   headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(start, timeout=30).read())["token"]
    request = urllib.request.Request(f"{base}/kiosk/tts", data=json.dumps({"text": "xin chào"}).encode(),
                                     headers={"Content-Type": "application/json", "X-Conversation-Token": token})
    with urllib.request.urlopen(request, timeout=30) as response:
        audio = response.read()
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.3  # real speech, not an empty file


def human_recordings() -> list[tuple[bytes, str]]:
    """Real human Vietnamese speech with its transcript: KIOSK_TEST_RECORDING / KIOSK_TEST_TRANSCRIPT if
    given, else the six reference voices shipped in vieneu 3.8.3's wheel (Apache-2.0; `make test`
    downloads it from PyPI once — Makefile HUMAN_SPEECH)."""
    if os.environ.get("KIOSK_TEST_RECORDING"):
        return [(Path(os.environ["KIOSK_TEST_RECORDING"]).read_bytes(), os.environ["KIOSK_TEST_TRANSCRIPT"])]
    if not HUMAN_SPEECH.exists():
        pytest.skip(f"no human speech recording: {HUMAN_SPEECH} is made by `make test` (or set KIOSK_TEST_RECORDING)")
    with zipfile.ZipFile(HUMAN_SPEECH) as wheel:
        names = sorted(n for n in wheel.namelist() if n.startswith("vieneu/assets/samples/") and n.endswith(".wav"))
        return [(wheel.read(n), wheel.read(n[:-4] + ".txt").decode()) for n in names]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_voice_end_to_end_with_human_recordings(stack):
    """The embedded engine (viet-asr, installed by default) on real human speech: most words right."""
    assert speech_to_text() is not None, "viet-asr is a default dependency"
    heard = expected = 0
    token = kiosk_token(stack.url("gateway"))
    for audio, transcript in human_recordings():
        request = urllib.request.Request(f"{stack.url('gateway')}/kiosk/speech", data=audio,
                                         headers={"Content-Type": "audio/wav", "X-Conversation-Token": token})
        text = json.loads(urllib.request.urlopen(request, timeout=120).read())["text"]
        said = set(words(text))
        heard += sum(w in said for w in words(transcript))
        expected += len(words(transcript))
    assert heard >= 0.8 * expected, (heard, expected)


def test_tap_to_talk_in_the_kiosk_page_asks_what_was_said(stack, tmp_path):
    """Chromium's microphone plays a human recording; a tap on "Nhấn để nói" records it until the next, the words
    heard become the citizen's message and the bot answers it."""
    audio, transcript = human_recordings()[0]
    recording = tmp_path / "speech.wav"
    recording.write_bytes(audio)
    with wave.open(str(recording)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    with browser_page(microphone=recording) as page:
        page.goto(stack.url("gateway") + "/kiosk")
        page.wait_for_selector(".dvc-root.kiosk .dvc-msg.dvc-bot")
        bot_messages = page.locator(".dvc-msg.dvc-bot").count()
        user_messages = page.locator(".dvc-msg.dvc-user").count()
        page.click("#talk")  # tap to start
        page.wait_for_selector("#talk[aria-pressed='true']")
        page.wait_for_timeout(int(seconds * 1000) + 800)
        page.click("#talk")  # tap to stop and send
        page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-user').length > {user_messages}", timeout=60_000)
        said = set(words(page.locator(".dvc-msg.dvc-user").last.inner_text()))
        assert sum(w in said for w in words(transcript)) >= 0.7 * len(words(transcript)), said
        page.wait_for_function(f"document.querySelectorAll('.dvc-msg.dvc-bot').length > {bot_messages}", timeout=30_000)
