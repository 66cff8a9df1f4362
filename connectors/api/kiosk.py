"""Kiosk voice: push-to-talk audio in, recognised text out; replies spoken back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.vietnamese import clean_text
from connectors import messages as msg
from connectors.conversations import KIOSK_PREFIX, conversation_of
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings, get_settings
from connectors.speech import decode_wav, speech_to_text, text_to_speech

router = APIRouter(prefix="/kiosk", tags=["kiosk"], dependencies=[Depends(limit_client_address)])


@router.get("/settings")
def kiosk_settings(settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    """What the kiosk page prints on its printout: the office's name (``KIOSK_OFFICE_NAME``)."""
    return {"office_name": settings.kiosk_office_name}


@router.post("/speech")
async def speech(request: Request, settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    """WAV audio in the body -> ``{"text": ...}``, or ``{"message": ...}`` explaining why not."""
    audio = await request.body()  # bounded by the gateway's body limit for this path
    engine = await run_in_threadpool(speech_to_text, settings.stt_engine)
    if engine is None:
        return {"message": msg.VOICE_UNAVAILABLE}
    try:
        samples = await run_in_threadpool(decode_wav, audio)
    except ValueError:
        raise HTTPException(400, msg.AUDIO_UNREADABLE) from None
    text = await run_in_threadpool(engine.transcribe, samples)
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
    conversation_id = conversation_of(settings, x_conversation_token)
    if conversation_id is None or not conversation_id.startswith(KIOSK_PREFIX):
        raise HTTPException(401, msg.CONVERSATION_EXPIRED)
    text = clean_text(body.text)  # control characters (a NUL) and markup are not spoken
    if not text:
        raise HTTPException(400, msg.NOTHING_TO_SAY)
    audio = await run_in_threadpool(text_to_speech, text, settings.tts_piper_voice)
    if audio is None:
        raise HTTPException(503, msg.VOICE_UNAVAILABLE)
    return Response(audio, media_type="audio/wav")
