"""The kiosk's voice routes in-process, against what an attacker sends them: speech is spoken only
for a kiosk's own conversation, text never reaches the engine's command line, and a WAV header
cannot make a tiny upload decode into hours of audio."""

import io
import shutil
import wave

import pytest

from connectors import messages as msg
from connectors.speech import decode_wav
from tests.connectors.inprocess import FakeCore


def kiosk_token(client, device="kiosk"):
    return client.post("/webhooks/rest/conversations", json={"device": device}).json()["token"]


def speak(client, text, token):
    return client.post("/kiosk/tts", json={"text": text}, headers={"X-Conversation-Token": token})


def wav(rate: int, frames: int = 1600, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x01\x00" * frames * channels)
    return buffer.getvalue()


def test_speech_is_only_for_a_kiosk_conversation(gateway):
    client = gateway(FakeCore())
    assert client.get("/kiosk/tts", params={"text": "xin chào"}).status_code == 405
    assert client.post("/kiosk/tts", json={"text": "xin chào"}).status_code == 401
    assert speak(client, "xin chào", "forged.token").status_code == 401
    assert speak(client, "xin chào", kiosk_token(client, device="web")).status_code == 401  # a web chat is no kiosk
    assert speak(client, "xin chào", kiosk_token(client)).status_code in {200, 503}  # spoken, or no engine here


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_text_that_looks_like_options_is_spoken_not_obeyed(gateway, tmp_path):
    victim = tmp_path / "trackers.db"
    victim.write_bytes(b"keep me")
    client = gateway(FakeCore())
    token = kiosk_token(client)
    for text in ("--version", f"--phonout={victim}", f"-Xqf{victim}", f"-w {victim}"):
        response = speak(client, text, token)
        assert response.status_code == 200 and response.content.startswith(b"RIFF"), text  # audio, not espeak's output
        assert b"eSpeak" not in response.content
    assert victim.read_bytes() == b"keep me"


def test_control_characters_alone_are_refused_politely(gateway):
    client = gateway(FakeCore())
    response = speak(client, "\x00\x07", kiosk_token(client))
    assert response.status_code == 400 and response.json()["detail"] == msg.NOTHING_TO_SAY


@pytest.mark.parametrize("rate", [0, 1, 100, 7_999, 96_000, 1_000_000])
def test_a_wav_at_a_rate_no_microphone_records_is_refused(rate):
    audio = wav(max(rate, 1), frames=10)
    if rate == 0:  # the wave module refuses to write rate 0; the header is patched as an attacker would
        audio = audio[:24] + (0).to_bytes(4, "little") + audio[28:]
    with pytest.raises(ValueError):
        decode_wav(audio)


def test_a_wav_claiming_more_than_two_minutes_is_refused_before_decoding():
    audio = wav(8_000, frames=10)
    claimed = (8_000 * 121 * 2).to_bytes(4, "little")  # the data chunk's size: 121 s, though 20 bytes follow
    with pytest.raises(ValueError):
        decode_wav(audio[:40] + claimed + audio[44:])


def test_common_rates_decode_to_16k_mono():
    assert len(decode_wav(wav(48_000, frames=4_800))) == 1_600
    assert len(decode_wav(wav(8_000, frames=800, channels=2))) == 1_600


def test_unreadable_audio_gets_400_with_a_vietnamese_message(gateway):
    client = gateway(FakeCore())
    response = client.post("/kiosk/speech", content=wav(1, frames=40), headers={"Content-Type": "audio/wav"})
    if response.status_code == 200:  # no recogniser installed here: it says so before reading the audio
        assert response.json()["message"] == msg.VOICE_UNAVAILABLE
    else:
        assert response.status_code == 400 and response.json()["detail"] == msg.AUDIO_UNREADABLE
