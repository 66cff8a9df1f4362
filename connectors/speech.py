"""Speech for the kiosk: speech-to-text and text-to-speech behind small interfaces.

Speech-to-text engines (``STT_ENGINE``):
- ``viet-asr`` — offline Vietnamese model shipped inside the ``viet-asr`` PyPI package (installed
  by default); chosen automatically.
- ``sherpa:/path/to/model-dir`` — sherpa-onnx with an operator-supplied transducer model
  (``encoder.onnx``, ``decoder.onnx``, ``joiner.onnx``, ``tokens.txt``).
Text-to-speech: piper with an operator-supplied vi_VN voice (``TTS_PIPER_VOICE``), else
Debian's ``espeak-ng`` Vietnamese voice. The kiosk always shows the reply as text too.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import subprocess
import threading
import wave
from functools import lru_cache
from typing import Protocol

import numpy as np

SAMPLE_RATE = 16_000
# What browsers and recorders produce. A header may claim any rate: 1 Hz would make a tiny file
# decode into hours of audio (resampling multiplies samples by 16,000 / rate), so only these pass.
ACCEPTED_RATES = frozenset({8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000})
MAX_SECONDS = 30  # a kiosk question (the page records at most 30 s); longer recordings are refused before decoding


class RecordingTooLong(ValueError):
    """A recording longer than the kiosk records."""


class SpeechToText(Protocol):
    name: str

    def transcribe(self, samples: np.ndarray) -> str:
        """16 kHz mono float32 samples in [-1, 1] -> text."""
        ...


def decode_wav(data: bytes, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """16-bit PCM WAV (a rate of ``ACCEPTED_RATES``, mono or stereo, at most ``max_seconds``) ->
    16 kHz mono float32; ValueError if unreadable or outside those bounds (RecordingTooLong if longer)."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, rate, width = wav.getnchannels(), wav.getframerate(), wav.getsampwidth()
            if width != 2 or channels not in {1, 2} or rate not in ACCEPTED_RATES:
                raise ValueError("only 16-bit PCM WAV, mono or stereo, at a common rate is supported")
            if wav.getnframes() > max_seconds * rate:
                raise RecordingTooLong("recording too long")
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a readable WAV file: {exc}") from exc
    frames = np.frombuffer(raw[: len(raw) - len(raw) % (2 * channels)], dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        frames = frames.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE and len(frames):
        positions = np.linspace(0, len(frames) - 1, int(len(frames) * SAMPLE_RATE / rate))
        frames = np.interp(positions, np.arange(len(frames)), frames).astype(np.float32)
    return frames


class VietAsrEngine:
    name = "viet-asr"

    def __init__(self) -> None:
        import vietasr

        self._pipeline = vietasr.Pipeline.preset("transcribe")
        atexit.register(self._pipeline.close)  # before interpreter teardown, when its __del__ would fail
        # One native pipeline. The kiosk route admits only STT_CONCURRENCY transcriptions at once and
        # refuses the rest, so requests do not wait here holding the gateway's worker threads.
        self._lock = threading.Lock()

    def transcribe(self, samples: np.ndarray) -> str:
        pcm = np.clip(samples * 32767, -32768, 32767).astype(np.int16)
        with self._lock:
            return self._pipeline.transcribe(pcm, sample_rate=float(SAMPLE_RATE)).text.strip()


class SherpaOnnxEngine:
    name = "sherpa-onnx"

    def __init__(self, model_dir: str) -> None:
        import sherpa_onnx

        def path(file: str) -> str:
            return os.path.join(model_dir, file)

        self._recognizer = sherpa_onnx.OfflineRecognizer.from_transducer(
            encoder=path("encoder.onnx"), decoder=path("decoder.onnx"), joiner=path("joiner.onnx"),
            tokens=path("tokens.txt"), num_threads=1,
        )

    def transcribe(self, samples: np.ndarray) -> str:
        stream = self._recognizer.create_stream()
        stream.accept_waveform(SAMPLE_RATE, samples)
        self._recognizer.decode_stream(stream)
        return stream.result.text.strip()


@lru_cache(maxsize=1)
def speech_to_text(spec: str = "auto") -> SpeechToText | None:
    """The engine ``spec`` names (auto | viet-asr | sherpa:/path), or None when none is installed
    (the kiosk then says so)."""
    if spec.startswith("sherpa:"):
        return SherpaOnnxEngine(spec.removeprefix("sherpa:"))
    if spec in {"auto", "viet-asr"}:
        try:
            return VietAsrEngine()
        except ImportError:
            if spec == "viet-asr":
                raise
    return None


def text_to_speech(text: str, voice: str = "") -> bytes | None:
    """WAV bytes of ``text`` spoken in Vietnamese (piper with an operator ``voice``, else espeak-ng),
    or None when no engine is available. The text goes on standard input, never on a command line,
    where a leading "-" would be read as an option (``--phonout=<file>`` writes a file)."""
    if voice and shutil.which("piper"):
        result = subprocess.run(["piper", "--model", voice, "--output_file", "-"], input=text.encode(),
                                capture_output=True, timeout=30)
        if result.returncode == 0:
            return result.stdout
    if shutil.which("espeak-ng"):
        result = subprocess.run(["espeak-ng", "-b", "1", "-v", "vi", "--stdout"], input=text.encode(),
                                capture_output=True, timeout=30)
        if result.returncode == 0:
            return result.stdout
    return None
