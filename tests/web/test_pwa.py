"""The installable app: fingerprinted static files cached for a year, the manifest and its icons, the service
worker at the site's root and the page it shows offline."""

from __future__ import annotations

import io
import json
import re

from PIL import Image

from portal.accounts.roles import Role
from portal.settings import get_settings
from portal.web.assets import Assets
from tests import factories as f

YEAR = "public, max-age=31536000, immutable"


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


async def test_pages_name_their_static_files_by_content_and_browsers_keep_them_a_year(client):
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    urls = _static_urls((await client.get("/dashboard")).text)
    assert {"css/app.css", "js/htmx.min.js", "js/app.js", "js/live.js", "js/offline.js"} <= {
        u.split("?")[0].removeprefix("/static/") for u in urls}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{10}$", url), url
        answer = await client.get(url)
        assert answer.status_code == 200 and answer.headers["cache-control"] == YEAR, url


async def test_an_outdated_fingerprint_is_not_kept_for_a_year(client):
    """An old page after a deploy asks the old hash: the answer (today's file) must not be pinned under it."""
    answer = await client.get("/static/css/app.css?v=0123456789")
    assert answer.status_code == 200 and "immutable" not in answer.headers.get("cache-control", "")
    assert "cache-control" not in (await client.get("/static/css/app.css")).headers


def test_a_changed_file_gets_a_new_url(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: red }")
    assets = Assets(tmp_path, watch=True)
    before = assets.url("css/app.css")
    (tmp_path / "css" / "app.css").write_text("body { color: blue }")
    import os

    os.utime(tmp_path / "css" / "app.css", (1, 1))  # a different mtime, as an edit gives
    assert assets.url("css/app.css") != before
    assert assets.url("../secret.txt") == "/static/../secret.txt"  # outside the folder: no hash, nothing read


async def test_the_manifest_is_in_the_users_language_with_installable_icons(client):
    for lang, name in (("ru", "Премия"), ("en", "Premia")):
        await f.post_form(client, "/lang", {"lang": lang, "back": "/login"})
        page = (await client.get("/login")).text
        href = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)
        answer = await client.get(href)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/manifest+json")
        manifest = json.loads(answer.content)
        assert manifest["short_name"] == name and manifest["lang"] == lang
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        assert manifest["theme_color"] == "#0b6bcb"
        sizes = set()
        for icon in manifest["icons"]:
            image = Image.open(io.BytesIO((await client.get(icon["src"])).content))
            assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
            sizes.add((icon["sizes"], icon["purpose"]))
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_maskable_icon_fills_its_square():
    """A maskable icon is cut by the platform: its corners must be the brand colour, not transparent."""
    image = Image.open(get_settings().static_dir / "img" / "icon-maskable-512.png").convert("RGBA")
    assert image.getpixel((0, 0)) == image.getpixel((511, 511)) == (11, 107, 203, 255)
    rounded = Image.open(get_settings().static_dir / "img" / "icon-512.png").convert("RGBA")
    assert rounded.getpixel((0, 0))[3] == 0 and rounded.getpixel((256, 40))[:3] == (11, 107, 203)


async def test_the_service_worker_is_served_from_the_root_and_never_kept_stale(client):
    answer = await client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/"
    assert answer.headers["cache-control"] == "no-cache"
    config = json.loads(re.match(r"self\.PREMIA = (\{.*?\});\n", answer.text).group(1))
    assert "/claims/new" in config["pages"] and set(config["offline"]) == {"ru", "en"}
    for url in config["assets"] + [config["queue"]]:
        got = await client.get(url)
        assert got.status_code == 200 and got.headers["cache-control"] == YEAR, url
    for url in config["offline"].values():
        assert (await client.get(url)).status_code == 200


async def test_the_service_worker_changes_when_a_static_file_does(tmp_path):
    for name in ("css/app.css", "js/app.js", "img/favicon.svg"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name)
    assets = Assets(tmp_path, watch=True)
    before = assets.version()
    import os

    (tmp_path / "js/app.js").write_text("changed")
    os.utime(tmp_path / "js/app.js", (1, 1))
    assert assets.version() != before


async def test_the_offline_page_speaks_the_language_asked_and_holds_nothing_of_the_user(client):
    await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    ru = (await client.get("/offline?lang=ru")).text
    en = (await client.get("/offline?lang=en")).text
    assert 'lang="ru"' in ru and "Нет связи" in ru and 'href="/claims/new"' in ru
    assert 'lang="en"' in en and "No connection" in en
    assert "csrf" not in en.lower() and 'id="bell"' not in en


async def test_signed_in_pages_carry_the_offline_words_and_the_user(client):
    user_id = await f.login_as(client, Role.PARTNER_STAFF, await f.partner())
    page = (await client.get("/claims/new")).text
    assert f'data-user="{user_id}"' in page
    words = re.search(r'<span id="offline-words"[^>]*>', page, re.S).group(0)
    assert "регистрации ждут отправки" in words and "регистраций ждут отправки" in words
    assert 'data-lang="ru"' in words
