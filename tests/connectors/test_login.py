"""Citizen login end to end: the gateway (relying party) against a real OpenID Connect provider
started here (discovery, JWKS, PKCE, signed ID tokens), the browser's redirects followed by hand."""

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey

from connectors import messages as msg
from connectors.api.login import BROWSER_COOKIE
from connectors.zalo import signature
from storage import identities
from tests.connectors.inprocess import RASA, FakeCore
from tests.oidc_provider import OidcProvider

PUBLIC = "http://testserver"


@pytest.fixture()
def provider():
    started = OidcProvider({"an": "Nguyễn Văn An", "binh": "Trần Thị Bình"},
                           redirect_uris=[f"{PUBLIC}/auth/callback"]).start()
    yield started
    started.stop()


@pytest.fixture()
def portal(gateway, provider):
    return gateway(FakeCore(), public_base_url=PUBLIC, oidc_issuer=provider.issuer, oidc_client_id="tro-ly-dvc",
                   oidc_client_secret="bi-mat", allowed_origins="https://dichvucong.example.gov.vn")


def new_conversation(client, device="web"):
    c = client.post("/webhooks/rest/conversations", json={"device": device}).json()
    return c["sender"], {"X-Conversation-Token": c["token"]}


def sign_in(client, link_url, username="an", return_to=None):
    """What a browser does: open the link, log in at the provider, come back to the callback."""
    params = {"return_to": return_to} if return_to else {}
    to_provider = client.get(urlsplit(link_url).path, params=params, follow_redirects=False)
    assert to_provider.status_code == 302, to_provider.text
    authorize = to_provider.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    with httpx.Client() as browser:
        assert browser.get(authorize).status_code == 200  # the provider's login form
        back = browser.post(authorize.split("?")[0], data={**{k: v[0] for k, v in query.items()}, "username": username})
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)


def test_widget_login_binds_the_conversation_and_returns_to_the_page(portal):
    sender, token = new_conversation(portal)
    assert portal.get("/auth/me", headers=token).json() == {"signed_in": False, "login_available": True}
    link = portal.post("/auth/links", headers=token).json()["url"]
    page = "https://dichvucong.example.gov.vn/thu-tuc?id=1"
    done = sign_in(portal, link, return_to=page)
    assert done.status_code == 303 and done.headers["location"] == page
    assert portal.get("/auth/me", headers=token).json()["signed_in"] is True
    # another conversation is not signed in by it
    _, other = new_conversation(portal)
    assert portal.get("/auth/me", headers=other).json()["signed_in"] is False


def test_same_account_from_two_conversations_is_one_citizen_and_the_subject_is_not_stored(portal):
    conversations = []
    for _ in range(2):
        sender, token = new_conversation(portal)
        sign_in(portal, portal.post("/auth/links", headers=token).json()["url"], username="binh")
        conversations.append(f"web:{sender}")
    first, second = (identities.citizen_of(c) for c in conversations)
    assert first == second and "binh" not in first
    sender, token = new_conversation(portal)
    sign_in(portal, portal.post("/auth/links", headers=token).json()["url"], username="an")
    assert identities.citizen_of(f"web:{sender}") != first


def test_a_login_link_works_once_and_a_foreign_return_address_is_ignored(portal):
    sender, token = new_conversation(portal)
    link = portal.post("/auth/links", headers=token).json()["url"]
    done = sign_in(portal, link, return_to="https://evil.example.com/steal")
    assert done.status_code == 200 and msg.LOGIN_DONE in done.text  # no open redirect
    again = portal.get(urlsplit(link).path, follow_redirects=False)
    assert again.status_code == 410 and msg.LOGIN_LINK_USED in again.text


def test_an_id_token_not_signed_by_the_published_key_is_refused(portal, provider):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    sender, token = new_conversation(portal)
    refused = sign_in(portal, portal.post("/auth/links", headers=token).json()["url"])
    assert refused.status_code == 400 and msg.LOGIN_FAILED in refused.text
    assert identities.citizen_of(f"web:{sender}") is None


def test_a_callback_without_the_login_cookie_binds_nothing(portal, provider):
    sender, token = new_conversation(portal)
    link = portal.post("/auth/links", headers=token).json()["url"]
    to_provider = portal.get(urlsplit(link).path, follow_redirects=False)
    query = parse_qs(urlsplit(to_provider.headers["location"]).query)
    portal.cookies.clear()  # e.g. the callback replayed from another browser
    with httpx.Client() as browser:
        back = browser.post(f"{provider.issuer}/authorize", data={**{k: v[0] for k, v in query.items()}, "username": "an"})
    callback = urlsplit(back.headers["location"])
    assert portal.get(f"{callback.path}?{callback.query}").status_code == 400
    assert identities.citizen_of(f"web:{sender}") is None


def test_no_login_on_a_kiosk_or_without_a_conversation_token(portal):
    _, kiosk = new_conversation(portal, device="kiosk")
    assert portal.post("/auth/links", headers=kiosk).status_code == 403
    assert portal.post("/auth/links").status_code == 401
    assert portal.post("/auth/links", headers={"X-Conversation-Token": "forged.token"}).status_code == 401


def test_logout_unbinds(portal):
    sender, token = new_conversation(portal)
    sign_in(portal, portal.post("/auth/links", headers=token).json()["url"])
    assert portal.post("/auth/logout", headers=token).json()["signed_in"] is False
    assert identities.citizen_of(f"web:{sender}") is None


def test_the_bot_offer_becomes_a_link_button_where_login_is_possible(gateway, provider):
    offer = FakeCore([{"text": "Bạn hãy đăng nhập.", "custom": {identities.LOGIN_MARK: True}}])
    client = gateway(offer, public_base_url=PUBLIC, oidc_issuer=provider.issuer, oidc_client_id="tro-ly-dvc",
                     oidc_client_secret="bi-mat")
    sender, token = new_conversation(client)
    reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "đăng nhập"}, headers=token).json()
    button = reply[0]["buttons"][0]
    assert button["title"] == msg.LOGIN_BUTTON and button["url"].startswith(f"{PUBLIC}/auth/login/")
    # made in a chat's reply, with no browser's cookie: the code shown after the login is typed back
    done = sign_in(client, button["url"])
    assert done.status_code == 200 and identities.citizen_of(f"web:{sender}") is None
    code = shown_code(done)
    said = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": code}, headers=token).json()
    assert said[0]["text"] == msg.LOGIN_CONFIRMED and identities.citizen_of(f"web:{sender}")
    # an anonymous REST sender (a name any client may use) gets no link, and is told why
    anonymous = client.post("/webhooks/rest/webhook", json={"sender": "x", "message": "đăng nhập"}).json()
    assert "buttons" not in anonymous[0] and msg.LOGIN_NOT_HERE in anonymous[0]["text"]


def test_login_off_without_an_issuer(gateway):
    client = gateway(FakeCore([{"text": "Bạn hãy đăng nhập.", "custom": {identities.LOGIN_MARK: True}}]))
    sender, token = new_conversation(client)
    assert client.post("/auth/links", headers=token).status_code == 503
    reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "đăng nhập"}, headers=token).json()
    assert reply[0]["text"] == msg.LOGIN_UNAVAILABLE and "buttons" not in reply[0]  # no "bấm nút bên dưới"


def test_the_offer_rasa_sends_apart_from_its_text_is_joined_to_it(gateway, provider):
    # Rasa's REST channel sends an action's json_message as a message of its own after the text.
    offer = FakeCore([{"text": "Bạn hãy đăng nhập."}, {"custom": {identities.LOGIN_MARK: True}}])
    client = gateway(offer, public_base_url=PUBLIC, oidc_issuer=provider.issuer, oidc_client_id="tro-ly-dvc")
    sender, token = new_conversation(client)
    reply = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "đăng nhập"}, headers=token).json()
    assert len(reply) == 1 and reply[0]["text"] == "Bạn hãy đăng nhập." and reply[0]["buttons"][0]["url"]


def shown_code(done) -> str:
    """The one-time code on the page a chat's login ends on."""
    found = re.search(r"gõ mã (\d{6}) vào", done.text)
    assert done.status_code == 200 and found, done.text
    return found.group(1)


def test_a_link_sent_to_someone_else_does_not_sign_in_the_senders_conversation(portal):
    """The attacker makes a link for his own conversation and sends it; the victim's browser opens it."""
    attacker, token = new_conversation(portal)
    link = portal.post("/auth/links", headers=token).json()["url"]
    victim = TestClient(portal.app)
    _, own = new_conversation(victim)
    victim.post("/auth/links", headers=own)  # the victim's browser has a login cookie of its own
    refused = victim.get(urlsplit(link).path, follow_redirects=False)
    assert refused.status_code == 403 and msg.LOGIN_OTHER_BROWSER in refused.text
    assert "location" not in refused.headers  # not sent on to sign in
    assert identities.citizen_of(f"web:{attacker}") is None


def test_the_callback_checks_the_browser_too(portal):
    sender, token = new_conversation(portal)
    link = portal.post("/auth/links", headers=token).json()["url"]
    cookie = portal.cookies.get(BROWSER_COOKIE)
    assert cookie and len(cookie) >= 43
    made = portal.post("/auth/links", headers=token)
    assert 'httponly' in made.headers["set-cookie"].lower() and "samesite=lax" in made.headers["set-cookie"].lower()
    to_provider = portal.get(urlsplit(link).path, follow_redirects=False)
    query = parse_qs(urlsplit(to_provider.headers["location"]).query)
    with httpx.Client() as browser:
        back = browser.post(to_provider.headers["location"].split("?")[0],
                            data={**{k: v[0] for k, v in query.items()}, "username": "an"})
    portal.cookies.delete(BROWSER_COOKIE, path="/auth")  # the session alone, in a browser without the link's cookie
    callback = urlsplit(back.headers["location"])
    refused = portal.get(f"{callback.path}?{callback.query}", follow_redirects=False)
    assert refused.status_code == 403 and msg.LOGIN_OTHER_BROWSER in refused.text
    assert identities.citizen_of(f"web:{sender}") is None


def test_the_link_cookie_is_secure_behind_https(gateway, provider):
    client = gateway(FakeCore(), public_base_url="https://dvc.example", oidc_issuer=provider.issuer,
                     oidc_client_id="tro-ly-dvc")
    _, token = new_conversation(client)
    cookie = client.post("/auth/links", headers=token).headers["set-cookie"].lower()
    assert BROWSER_COOKIE in cookie and "; secure" in cookie and "httponly" in cookie


def zalo_says(client, user: str, text: str) -> None:
    timestamp = str(int(time.time() * 1000))
    body = json.dumps({"app_id": "42", "event_name": "user_send_text", "timestamp": timestamp, "sender": {"id": user},
                       "recipient": {"id": "oa"}, "message": {"text": text, "msg_id": f"m-{time.monotonic_ns()}"}},
                      ensure_ascii=False).encode()
    mac = signature("42", body, timestamp, "oa-secret")
    sent = client.post("/webhooks/zalo", content=body, headers={"X-ZEvent-Signature": f"mac={mac}"})
    assert sent.status_code == 200


def test_a_chat_link_binds_the_chat_only_once_the_code_is_typed_into_it(gateway, provider):
    core = FakeCore([{"text": "Bạn hãy đăng nhập.", "custom": {identities.LOGIN_MARK: True}}])
    client = gateway(core, public_base_url=PUBLIC, oidc_issuer=provider.issuer, oidc_client_id="tro-ly-dvc",
                     oidc_client_secret="bi-mat", zalo_app_id="42", zalo_oa_secret_key="oa-secret",
                     zalo_api_base=RASA,
                     zalo_access_token="a0", zalo_refresh_token="r0")
    zalo_says(client, "attacker", "đăng nhập")
    link = core.zalo[-1]["message"]["attachment"]["payload"]["buttons"][0]["payload"]["url"]
    # sent to a victim, who signs in in her own browser: nothing is bound yet, she sees a code
    code = shown_code(sign_in(TestClient(client.app), link, username="binh"))
    assert identities.citizen_of("zalo:attacker") is None
    # only the chat the link was made for can complete it, and guessing ends the wait
    zalo_says(client, "someone-else", code)
    assert identities.citizen_of("zalo:someone-else") is None
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(identities.CONFIRMATION_ATTEMPTS):
        zalo_says(client, "attacker", wrong)
        assert core.zalo[-1]["message"]["text"] == msg.LOGIN_CODE_WRONG
    zalo_says(client, "attacker", code)
    assert identities.citizen_of("zalo:attacker") is None and core.zalo[-1]["message"]["text"] != msg.LOGIN_CONFIRMED
    # the chat's own citizen types the code into it: bound
    zalo_says(client, "citizen", "đăng nhập")
    link = core.zalo[-1]["message"]["attachment"]["payload"]["buttons"][0]["payload"]["url"]
    code = shown_code(sign_in(TestClient(client.app), link, username="an"))
    zalo_says(client, "citizen", " ".join([code[:3], code[3:]]))
    assert core.zalo[-1]["message"]["text"] == msg.LOGIN_CONFIRMED and identities.citizen_of("zalo:citizen")
