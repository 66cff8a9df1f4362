"""Gateway settings: one typed object a process, read from the environment (safe embedded defaults).

Routes receive it with ``Depends(get_settings)``; tests build their own ``GatewaySettings(...)``
and hand it to ``create_app``.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import SecretStr
from pydantic_settings import BaseSettings

DEFAULT_PORTS = {"rasa": 5005, "actions": 5055, "gateway": 8000}


class GatewaySettings(BaseSettings):
    # Comma-separated for several Rasa workers on one node: each conversation keeps to one of them.
    rasa_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['rasa']}"
    action_server_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['actions']}"
    rasa_auth_token: SecretStr = SecretStr("")  # Rasa's --auth-token, for its HTTP API (health check)
    gateway_port: int = DEFAULT_PORTS["gateway"]
    # How the gateway reaches itself (document downloads for Telegram) and how citizens reach it (Zalo links).
    gateway_internal_url: str = ""
    public_base_url: str = ""
    # The citizen gets an apology rather than a wait beyond this many seconds.
    core_timeout_s: float = 4.5
    max_message_chars: int = 2000
    officer_token: SecretStr = SecretStr("")  # empty: staff API off
    conversation_secret: SecretStr = SecretStr("")  # signs browser conversation tokens; empty: a key in VAR_DIR
    conversation_token_days: float = 30  # a browser conversation's token is refused (401) this long after issue
    allowed_origins: str = ""  # comma-separated origins of the portals that embed the widget
    max_body_bytes: int = 256 * 1024  # larger request bodies are refused before they are read
    max_audio_bytes: int = 6 * 1024 * 1024  # the kiosk's recordings: 30 s (STT_MAX_SECONDS) of 48 kHz stereo WAV fit
    rate_limit_conversation: str = "30/minute"  # messages of one conversation, any channel
    rate_limit_address: str = "300/minute"  # requests to public routes from one address (offices share one)
    rate_limit_storage: str = "memory://"  # redis://host:6379 to share the counts between replicas
    # Comma-separated addresses or networks of our own reverse proxies: only their X-Forwarded-For names
    # the client (its last entry not theirs). Empty: the peer address is the client's, whatever it claims.
    trusted_proxies: str = ""
    frame_ancestors: str = "'self'"  # CSP frame-ancestors: the portals allowed to frame our pages

    # Citizen login (OpenID Connect, authorization code + PKCE); empty issuer: login off, guidance only.
    oidc_issuer: str = ""  # discovery at <issuer>/.well-known/openid-configuration
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scope: str = "openid profile"

    telegram_bot_token: SecretStr = SecretStr("")  # empty: Telegram off
    telegram_secret_token: SecretStr = SecretStr("")
    telegram_api_base: str | None = None  # a Bot API server (tests: a local fake)
    telegram_mode: str = "webhook"  # or "polling" (then run `python -m connectors.telegram`)

    zalo_app_id: str = ""  # empty: Zalo off
    zalo_oa_secret_key: SecretStr = SecretStr("")
    zalo_app_secret: SecretStr = SecretStr("")
    zalo_access_token: SecretStr = SecretStr("")
    zalo_refresh_token: SecretStr = SecretStr("")
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_max_event_age_s: int = 300

    stt_engine: str = "auto"  # auto | viet-asr | sherpa:/path/to/model
    stt_max_seconds: int = 30  # the kiosk records at most 30 s (kiosk.js); longer recordings are refused
    stt_concurrency: int = 1  # recordings transcribed at once per gateway process; more get 503 at once
    tts_piper_voice: str = ""  # an operator's vi_VN piper voice (.onnx); else espeak-ng
    kiosk_office_name: str = "Bộ phận Một cửa"  # printed at the top of a kiosk's printout

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip()]

    @property
    def proxies(self) -> list[str]:
        return [proxy.strip() for proxy in self.trusted_proxies.split(",") if proxy.strip()]

    @property
    def origins(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.allowed_origins.split(",") if origin.strip()]

    @property
    def internal_url(self) -> str:
        return self.gateway_internal_url or f"http://127.0.0.1:{self.gateway_port}"

    @property
    def public_url(self) -> str:
        return self.public_base_url or self.internal_url


def get_settings(request: Request) -> GatewaySettings:
    return request.app.state.settings
