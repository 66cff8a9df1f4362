"""Kiosk voice: push-to-talk audio in, recognised text out; replies spoken back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.vietnamese import clean_text
from connectors import messages as msg
from connectors.ratelimit import limit_client_address
from connectors.settings import GatewaySettings, get_settings
from connectors.speech import decode_wav, speech_to_text, text_to_speech

router = APIRouter(prefix="/kiosk", tags=["kiosk"], dependencies=[Depends(limit_client_address)])


@router.post("/speech")
async def speech(request: Request, settings: GatewaySettings = Depends(get_settings)) -> dict[str, str]:
    """WAV audio in the body -> ``{"text": ...}``, or ``{"message": ...}`` explaining why not."""
    audio = await request.body()  # bounded by the gateway's body limit for this path
    engine = await run_in_threadpool(speech_to_text, settings.stt_engine)
    if engine is None:
        return {"message": msg.VOICE_UNAVAILABLE}
    try:
        samples = decode_wav(audio)
    except ValueError:
        return {"message": msg.AUDIO_UNREADABLE}
    text = await run_in_threadpool(engine.transcribe, samples)
    return {"text": text} if text else {"message": msg.AUDIO_NOT_UNDERSTOOD}


@router.get("/tts")
async def tts(
    text: str = Query(min_length=1, max_length=1000), settings: GatewaySettings = Depends(get_settings)
) -> Response:
    text = clean_text(text)  # control characters (a NUL) cannot go to the speech engine's command line
    if not text:
        raise HTTPException(400, msg.NOTHING_TO_SAY)
    audio = await run_in_threadpool(text_to_speech, text, settings.tts_piper_voice)
    if audio is None:
        raise HTTPException(503, msg.VOICE_UNAVAILABLE)
    return Response(audio, media_type="audio/wav")
