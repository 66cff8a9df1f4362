"""Kiosk voice: push-to-talk audio in, recognised text out; replies spoken back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from bot.vietnamese import clean_text
from connectors import messages as msg
from connectors.conversations import KIOSK_PREFIX, conversation_of
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings, get_settings
from connectors.speech import RecordingTooLong, decode_wav, speech_to_text, text_to_speech

router = APIRouter(prefix="/kiosk", tags=["kiosk"], dependencies=[Depends(limit_client_address)])
VOICE_BUSY = "Kiosk đang nhận dạng một đoạn ghi âm khác. Bạn vui lòng đợi vài giây rồi nói lại, hoặc gõ câu hỏi."
BUSY_RETRY_SECONDS = "5"
# Recordings received at once, per place to transcribe: each holds up to MAX_AUDIO_BYTES in memory while
# it arrives, so slow uploads (a kiosk token is free to mint) cannot pile up without bound.
RECEIVING_PER_PLACE = 4


def kiosk_conversation(settings: GatewaySettings, token: str | None) -> str:
    """The kiosk conversation ``token`` signs, else 401: voice costs CPU and is a kiosk's own."""
    conversation_id = conversation_of(settings, token)
    if conversation_id is None or not conversation_id.startswith(KIOSK_PREFIX):
        raise HTTPException(401, msg.CONVERSATION_EXPIRED)
    return conversation_id


@router.get("/settings")
def kiosk_settings(settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    """What the kiosk page prints on its printout: the office's name (``KIOSK_OFFICE_NAME``)."""
    return {"office_name": settings.kiosk_office_name}


@router.post("/speech")
async def speech(
    request: Request, settings: GatewaySettings = Depends(get_settings),
    x_conversation_token: str | None = Header(default=None),
) -> dict[str, str]:
    """WAV audio in the body -> ``{"text": ...}``, or ``{"message": ...}`` explaining why not; for a
    kiosk's own conversation only (its token). At most ``STT_CONCURRENCY`` recordings are transcribed
    at once: the others get 503 at once rather than wait in the worker threads chat needs too."""
    kiosk_conversation(settings, x_conversation_token)
    state, places = request.app.state, max(1, settings.stt_concurrency)
    # Busy is told before the body is read (nothing is buffered for a recording that cannot be heard), and
    # only so many recordings are received at once. The place itself is taken once the body is in: a slow
    # upload holds no place (each is bounded by the body limit for this path).
    receiving = getattr(state, "kiosk_receiving", 0)  # checked and counted on the event loop: no race
    if getattr(state, "kiosk_transcribing", 0) >= places or receiving >= places * RECEIVING_PER_PLACE:
        raise HTTPException(503, VOICE_BUSY, headers={"Retry-After": BUSY_RETRY_SECONDS})
    state.kiosk_receiving = receiving + 1
    try:
        audio = await request.body()
    except ClientDisconnect:  # the upload was abandoned: nobody to answer, nothing worth a traceback
        raise HTTPException(400, msg.AUDIO_UNREADABLE) from None
    finally:
        state.kiosk_receiving -= 1
    busy = getattr(state, "kiosk_transcribing", 0)
    if busy >= places:
        raise HTTPException(503, VOICE_BUSY, headers={"Retry-After": BUSY_RETRY_SECONDS})
    state.kiosk_transcribing = busy + 1
    try:
        engine = await run_in_threadpool(speech_to_text, settings.stt_engine)
        if engine is None:
            return {"message": msg.VOICE_UNAVAILABLE}
        try:
            samples = await run_in_threadpool(decode_wav, audio, settings.stt_max_seconds)
        except RecordingTooLong:
            raise HTTPException(400, msg.AUDIO_TOO_LONG) from None
        except ValueError:
            raise HTTPException(400, msg.AUDIO_UNREADABLE) from None
        text = await run_in_threadpool(engine.transcribe, samples)
    finally:
        state.kiosk_transcribing -= 1
    return {"text": text} if text else {"message": msg.AUDIO_NOT_UNDERSTOOD}


class SpeakRequest(BaseModel):
    text: str = Field(min_length=1, max_length=1000)


@router.post("/tts")
async def tts(
    body: SpeakRequest, settings: GatewaySettings = Depends(get_settings),
    x_conversation_token: str | None = Header(default=None),
) -> Response:
    """A reply spoken as WAV, for a kiosk's own conversation only (its token): speech costs CPU and
    is nobody else's to ask for."""
    kiosk_conversation(settings, x_conversation_token)
    text = clean_text(body.text)  # control characters (a NUL) and markup are not spoken
    if not text:
        raise HTTPException(400, msg.NOTHING_TO_SAY)
    audio = await run_in_threadpool(text_to_speech, text, settings.tts_piper_voice)
    if audio is None:
        raise HTTPException(503, msg.VOICE_UNAVAILABLE)
    return Response(audio, media_type="audio/wav")
