"""The kiosk page in a real browser, and the kiosk voice endpoints."""

import io
import json
import os
import urllib.request
import wave
from pathlib import Path

import pytest

from connectors import messages as msg
from connectors.speech import speech_to_text
from tests.connectors.browser import browser_page
from tests.helpers import post_raw

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


def test_speech_endpoint_answers_in_vietnamese_without_an_engine_or_with_bad_audio(stack):
    url = f"{stack.url('gateway')}/kiosk/speech"
    request = urllib.request.Request(url, data=b"not audio", headers={"Content-Type": "audio/wav"})
    body = json.loads(urllib.request.urlopen(request, timeout=30).read())
    assert body["message"] == (msg.AUDIO_UNREADABLE if speech_to_text() else msg.VOICE_UNAVAILABLE)
    assert post_raw(url, wav_bytes(), {"Content-Type": "audio/wav"}) == 200


def test_text_to_speech_with_espeak(stack):
    import shutil

    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    with urllib.request.urlopen(f"{stack.url('gateway')}/kiosk/tts?text=xin%20ch%C3%A0o", timeout=30) as response:
        audio = response.read()
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.3  # real speech, not an empty file


def test_voice_end_to_end_with_a_human_recording(stack):
    """Needs an STT engine (pip install viet-asr) and a real human recording with its transcript:
    KIOSK_TEST_RECORDING=/path/to/question.wav KIOSK_TEST_TRANSCRIPT="làm giấy khai sinh"."""
    recording = os.environ.get("KIOSK_TEST_RECORDING")
    if speech_to_text() is None:
        pytest.skip("no speech-to-text engine installed (optional extra: pip install viet-asr)")
    if not recording:
        pytest.skip("no human speech recording supplied (KIOSK_TEST_RECORDING); synthetic speech is not a fair test")
    request = urllib.request.Request(f"{stack.url('gateway')}/kiosk/speech", data=Path(recording).read_bytes(),
                                     headers={"Content-Type": "audio/wav"})
    text = json.loads(urllib.request.urlopen(request, timeout=120).read())["text"]
    expected = os.environ["KIOSK_TEST_TRANSCRIPT"].lower().split()
    assert sum(w in text.lower() for w in expected) >= 0.7 * len(expected)
