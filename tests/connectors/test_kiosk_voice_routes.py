"""The kiosk's voice routes in-process, against what an attacker sends them: speech is spoken only
for a kiosk's own conversation, text never reaches the engine's command line, and a WAV header
cannot make a tiny upload decode into hours of audio."""

import io
import shutil
import threading
import time
import wave

import pytest

from connectors import messages as msg
from connectors.api import kiosk as kiosk_api
from connectors.speech import decode_wav
from tests.connectors.inprocess import FakeCore, chat


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


def test_a_wav_claiming_more_than_the_limit_is_refused_before_decoding():
    audio = wav(8_000, frames=10)
    claimed = (8_000 * 121 * 2).to_bytes(4, "little")  # the data chunk's size: 121 s, though 20 bytes follow
    with pytest.raises(ValueError):
        decode_wav(audio[:40] + claimed + audio[44:])


def test_common_rates_decode_to_16k_mono():
    assert len(decode_wav(wav(48_000, frames=4_800))) == 1_600
    assert len(decode_wav(wav(8_000, frames=800, channels=2))) == 1_600


def test_unreadable_audio_gets_400_with_a_vietnamese_message(gateway):
    client = gateway(FakeCore())
    response = listen(client, wav(1, frames=40), kiosk_token(client))
    if response.status_code == 200:  # no recogniser installed here: it says so before reading the audio
        assert response.json()["message"] == msg.VOICE_UNAVAILABLE
    else:
        assert response.status_code == 400 and response.json()["detail"] == msg.AUDIO_UNREADABLE


def listen(client, audio, token):
    return client.post("/kiosk/speech", content=audio, headers={"Content-Type": "audio/wav", "X-Conversation-Token": token})


class SlowEngine:
    """A recogniser that holds its transcription until released (a long recording on a busy kiosk)."""

    name = "slow"

    def __init__(self):
        self.started, self.release, self.calls = threading.Event(), threading.Event(), 0

    def transcribe(self, samples):
        self.calls += 1
        self.started.set()
        self.release.wait(30)
        return "lệ phí làm hộ chiếu"


@pytest.fixture()
def slow_engine(monkeypatch):
    engine = SlowEngine()
    monkeypatch.setattr(kiosk_api, "speech_to_text", lambda spec="auto": engine)
    yield engine
    engine.release.set()


def test_recognition_is_only_for_a_kiosk_conversation(gateway, slow_engine):
    slow_engine.release.set()
    client = gateway(FakeCore())
    audio = wav(16_000, frames=1_600)
    assert client.post("/kiosk/speech", content=audio, headers={"Content-Type": "audio/wav"}).status_code == 401
    assert listen(client, audio, "forged.token").status_code == 401
    assert listen(client, audio, kiosk_token(client, device="web")).status_code == 401
    heard = listen(client, audio, kiosk_token(client))
    assert heard.status_code == 200 and heard.json() == {"text": "lệ phí làm hộ chiếu"}
    assert slow_engine.calls == 1  # the refused ones never reached the recogniser


def test_a_recording_longer_than_the_kiosk_records_is_refused_in_vietnamese(gateway, slow_engine):
    slow_engine.release.set()
    client = gateway(FakeCore())
    token = kiosk_token(client)
    assert listen(client, wav(8_000, frames=8_000 * 30), token).status_code == 200  # the kiosk's 30 s
    refused = listen(client, wav(8_000, frames=8_000 * 31), token)
    assert refused.status_code == 400 and refused.json()["detail"] == msg.AUDIO_TOO_LONG
    assert slow_engine.calls == 1


def test_a_body_larger_than_thirty_seconds_of_audio_is_refused_before_it_is_read(gateway, slow_engine):
    """30 s of 48 kHz stereo is under 6 MiB: a larger upload is refused (memory for waiting uploads)."""
    slow_engine.release.set()
    client = gateway(FakeCore())
    token = kiosk_token(client)
    assert listen(client, wav(48_000, frames=48_000 * 30, channels=2), token).status_code == 200
    refused = listen(client, b"\0" * (6 * 1024 * 1024 + 1), token)
    assert refused.status_code == 413 and refused.json()["detail"] == msg.AUDIO_TOO_LONG


def test_while_one_recording_is_transcribed_others_are_refused_at_once_and_chat_goes_on(gateway, slow_engine):
    """Recordings beyond the one being transcribed get 503 at once (never queued in the gateway's
    worker threads, of which a flood would leave none for chat), and a chat turn is not delayed."""
    client = gateway(FakeCore(), rate_limit_address="1000/minute")
    token = kiosk_token(client)
    audio = wav(16_000, frames=16_000)
    first = []
    running = threading.Thread(target=lambda: first.append(listen(client, audio, token)))
    running.start()
    assert slow_engine.started.wait(10)
    results = []
    flood = [threading.Thread(target=lambda: results.append(listen(client, audio, token))) for _ in range(45)]
    started = time.perf_counter()
    for thread in flood:
        thread.start()
    for thread in flood:
        thread.join(max(0.0, started + 10 - time.perf_counter()))
    refused_within = time.perf_counter() - started
    assert len(results) == 45 and {r.status_code for r in results} == {503}, refused_within
    assert refused_within < 5 and all(r.headers["Retry-After"] for r in results)
    assert results[0].json()["detail"] == kiosk_api.VOICE_BUSY
    turn = threading.Thread(target=lambda: results.append(chat(client, "u-busy-kiosk", "lệ phí làm hộ chiếu")))
    before = time.perf_counter()
    turn.start()
    turn.join(10)
    assert not turn.is_alive() and time.perf_counter() - before < 5  # the chat is answered meanwhile
    assert results[-1][0]["text"] == "Chào bạn"
    slow_engine.release.set()
    running.join(10)
    assert first[0].status_code == 200 and slow_engine.calls == 1
    assert listen(client, audio, token).status_code == 200  # free again once it is done


def test_busy_is_told_before_a_recording_is_read_and_only_so_many_are_received_at_once(gateway, slow_engine,
                                                                                         monkeypatch):
    """Attack run 3: held, half-sent 6 MB uploads were all buffered before the busy check (+357 MB for
    60). A recording that cannot be heard now is refused before its body is read, and the recordings
    being received at once are bounded."""
    from starlette.requests import Request

    read = []
    body = Request.body

    async def counting(self):
        if self.url.path == "/kiosk/speech":
            read.append(self.url.path)
        return await body(self)

    monkeypatch.setattr(Request, "body", counting)
    slow_engine.release.set()
    client = gateway(FakeCore(), rate_limit_address="1000/minute")
    token = kiosk_token(client)
    audio = wav(16_000, frames=16_000)
    state = client.app.state
    state.kiosk_transcribing = 1  # a recording is being transcribed
    refused = listen(client, audio, token)
    assert refused.status_code == 503 and refused.json()["detail"] == kiosk_api.VOICE_BUSY and read == []
    state.kiosk_transcribing, state.kiosk_receiving = 0, kiosk_api.RECEIVING_PER_PLACE  # uploads arriving
    assert listen(client, audio, token).status_code == 503 and read == []
    state.kiosk_receiving = 0
    assert listen(client, audio, token).status_code == 200 and read == ["/kiosk/speech"]
    assert state.kiosk_receiving == 0 and state.kiosk_transcribing == 0
