"""Small HTTP helpers shared by the integration tests."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request


def staff_request(url: str) -> urllib.request.Request:
    """A GET as staff (the officer token the stack runs with): e.g. /healthz with the supervisor's pids."""
    return urllib.request.Request(url, headers={"Authorization": f"Bearer {os.environ['OFFICER_TOKEN']}"})


def texts(replies: list[dict]) -> str:
    """The text of a turn's REST replies, one per line."""
    return "\n".join(r.get("text") or "" for r in replies)


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


def sign_in_with_link(link: str, username: str, browser=None) -> str:
    """What a citizen's browser does with a one-time login link: the provider's login form, then back
    to the gateway's callback (the test provider in tests/oidc_provider.py). Returns the last page.
    ``browser`` (an httpx.Client) is the one that asked for a widget's link: its cookie binds the link."""
    import httpx

    own = browser is None  # a browser passed in is the caller's, already open: not closed here
    browser = browser or httpx.Client(follow_redirects=True, timeout=30)
    try:
        form = browser.get(link)
        assert form.status_code == 200 and 'name="username"' in form.text, form.text
        done = browser.post(str(form.url).split("?")[0], data={**dict(form.url.params), "username": username})
        assert done.status_code == 200, done.text
        return done.text
    finally:
        if own:
            browser.close()


def signed_in_chat(gateway_url: str, username: str):
    """A widget-like conversation signed in as ``username``: (send(text) -> replies, the core's conversation id)."""
    _, conversation = post_json(f"{gateway_url}/webhooks/rest/conversations", {"device": "web"})
    token = {"X-Conversation-Token": conversation["token"]}
    import httpx

    browser = httpx.Client(follow_redirects=True, timeout=30)
    link = browser.post(f"{gateway_url}/auth/links", headers=token).json()
    assert "Bạn đã đăng nhập" in sign_in_with_link(link["url"], username, browser)

    def send(text: str) -> list[dict]:
        status, body = post_json(f"{gateway_url}/webhooks/rest/webhook",
                                 {"sender": conversation["sender"], "message": text}, headers=token)
        assert status == 200, body
        return body

    return send, f"web:{conversation['sender']}"


class IssuedChat:
    """``chat(sender, text)`` as the widget chats: each sender name gets a conversation the gateway
    issued (id and token) on first use. Declaration forms need one: a token-less REST sender may be
    named by any client, so it gets guidance only."""

    def __init__(self, gateway_url: str) -> None:
        self.gateway_url = gateway_url
        self.issued: dict[str, dict] = {}

    def _issued(self, sender: str) -> dict:
        if sender not in self.issued:
            status, conversation = post_json(f"{self.gateway_url}/webhooks/rest/conversations", {"device": "web"})
            assert status == 200, conversation
            self.issued[sender] = conversation
        return self.issued[sender]

    def conversation(self, sender: str) -> str:
        """The id the core knows this sender's conversation by."""
        return f"web:{self._issued(sender)['sender']}"

    def __call__(self, sender: str, text: str) -> list[dict]:
        conversation = self._issued(sender)
        status, body = post_json(f"{self.gateway_url}/webhooks/rest/webhook",
                                 {"sender": conversation["sender"], "message": text},
                                 headers={"X-Conversation-Token": conversation["token"]})
        assert status == 200, body
        return body
