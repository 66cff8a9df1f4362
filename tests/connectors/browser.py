"""Debian's chromium driven by Playwright (never `playwright install`), with the flags the closed network needs."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
         "--use-fake-device-for-media-stream"]


@contextlib.contextmanager
def browser_page(bypass_csp: bool = True, microphone: Path | None = None) -> Iterator:
    """A fresh headless Chromium page (new user-data-dir); records every request URL on page.requests.
    Playwright's waiting helpers evaluate strings, which our pages' CSP forbids: tests bypass the policy
    unless they check the page under it (then they wait on selectors only). ``microphone``: a WAV file
    the fake microphone plays (once)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    args = FLAGS + ([f"--use-file-for-fake-audio-capture={microphone}%noloop"] if microphone else [])
    with tempfile.TemporaryDirectory() as profile, sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=args,
                                                       bypass_csp=bypass_csp)
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        try:
            yield page
        finally:
            context.close()
