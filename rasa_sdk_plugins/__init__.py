"""rasa-sdk's plugin hook (the action server imports a top-level ``rasa_sdk_plugins`` package and calls
``init_hooks``): the action server answers only Rasa.

rasa-sdk has no authentication of its own. Rasa sends ``X-Action-Token: $ACTION_SERVER_TOKEN`` with
every action call (``headers`` of ``action_endpoint`` in ``bot/endpoints*.yml``); requests without it
are refused, except the health check. The supervisor draws a random token at each start; replicas
share one through the environment.

Routing errors keep their own status: rasa-sdk's catch-all handler made a wrong method (``POST /health``)
or an unknown path a 500.
"""

from __future__ import annotations

import hmac

import pluggy
from pydantic import SecretStr
from pydantic_settings import BaseSettings
from sanic import Request, Sanic, response
from sanic.exceptions import SanicException

hookimpl = pluggy.HookimplMarker("rasa_sdk")
TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = {"/health"}


class ActionServerSettings(BaseSettings):
    action_server_token: SecretStr = SecretStr("")  # empty: no check (a network-bound action server)


class RequireRasa:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        @app.exception(SanicException)
        async def http_error(request: Request, exception: SanicException):
            # 404, 405 (with its Allow header)…: more specific than rasa-sdk's handler of Exception (500)
            return response.json({"error": str(exception)}, status=exception.status_code,
                                 headers=exception.headers or None)

        expected = ActionServerSettings().action_server_token.get_secret_value().encode()
        if not expected:
            return

        @app.on_request
        async def require_token(request: Request):
            if request.path in OPEN_PATHS:
                return None
            sent = (request.headers.get(TOKEN_HEADER) or "").encode()
            if not hmac.compare_digest(sent, expected):
                return response.json({"error": "unauthorized"}, status=401)
            return None


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(RequireRasa())
