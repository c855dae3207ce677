"""The browser tests' live server: it starts on a busy machine, and says why when it cannot."""

from __future__ import annotations

import os

import httpx
import pytest

from tests.browser.conftest import _free_port, start_portal


def test_a_portal_that_dies_while_starting_fails_the_test_with_its_stderr(tmp_path):
    with pytest.raises(pytest.fail.Exception) as failure:
        start_portal("portal.app:no_such_factory", dict(os.environ), _free_port(), tmp_path / "server.stderr")
    assert "exited with" in str(failure.value) and "no_such_factory" in str(failure.value)


def test_the_live_portal_sends_no_server_banner(live_server):
    response = httpx.get(live_server + "/login")
    assert response.status_code == 200 and "server" not in response.headers
