"""Small HTTP helpers shared by the integration tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def post_json(url: str, payload: dict, timeout: float = 30, headers: dict | None = None) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body or b"null")
        except ValueError:
            return err.code, body.decode(errors="replace")


def post_raw(url: str, body: bytes, headers: dict, timeout: float = 30) -> int:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
