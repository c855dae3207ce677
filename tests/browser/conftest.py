"""A live portal in a subprocess and a phone-sized chromium driven by Playwright.

Without chromium the browser tests are skipped with one line of reason, except
under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal.db import engine, is_sqlite

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


def _chromium() -> str | None:
    explicit = os.environ.get("PREMIA_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing under CI=true: the browser tests must run (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STARTUP_S = 120  # a generous bound: on a busy machine (CI, parallel runs) the import alone can take a while


def _server_log(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-4000:] or "(nothing on stderr)"


def start_portal(factory: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """Start uvicorn on an app factory and return once it answers /healthz; fail with its stderr if it
    exits first or has not answered within STARTUP_S."""
    with open(log, "wb") as stderr:  # a file, not a pipe: a pipe nobody reads would stall a chatty server
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--no-server-header", "--log-level", "warning"],
            env=env, cwd=Path(__file__).resolve().parents[2], stderr=stderr,
        )
    started = time.monotonic()
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail(f"the portal exited with {proc.returncode} while starting:\n{_server_log(log)}")
        if time.monotonic() - started > STARTUP_S:
            proc.kill()
            proc.wait()
            pytest.fail(f"the portal did not answer /healthz within {STARTUP_S} s:\n{_server_log(log)}")
        time.sleep(0.1)


@pytest.fixture
def live_server(db, tmp_path):
    """The real app under uvicorn, on the test's own database, once it answers /healthz."""
    port = _free_port()
    env = dict(os.environ)
    env.update({
        "PREMIA_COOKIE_SECURE": "false",
        "PREMIA_DB_POOL": "true",
        "PREMIA_ALLOWED_HOSTS": f"127.0.0.1:{port},127.0.0.1",  # Litestar 2.25 matches the Host with its port
    })
    if is_sqlite():
        env["PREMIA_SQLITE_PATH"] = engine().path
    proc = start_portal("portal.app:create_app", env, port, tmp_path / "server.stderr")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
async def browser(chromium_path):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        instance = await pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield instance
        finally:
            await instance.close()


async def _phone_page(browser):
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    return context, await context.new_page()


@pytest.fixture
async def phone(browser):
    """A fresh phone-sized page (390×844, touch) in headless chromium."""
    context, page = await _phone_page(browser)
    yield page
    await context.close()


@pytest.fixture
async def another_phone(browser):
    """A second person's phone, with its own cookies."""
    context, page = await _phone_page(browser)
    yield page
    await context.close()
