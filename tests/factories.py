"""Factories: plain async functions that put business objects into the test database."""

from __future__ import annotations

import itertools

from litestar.testing import AsyncTestClient

from portal.accounts import passwords
from portal.accounts.inn import make_inn10
from portal.accounts.roles import PartnerStatus, Role
from portal.accounts.services import search_text
from portal.accounts.tables import Partner, User

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def unique_inn() -> str:
    return make_inn10(f"5{next(_seq):08d}")


async def partner(status: str = PartnerStatus.ACTIVE.value, **fields) -> int:
    n = next(_seq)
    values = {
        "legal_name": f"ООО «Партнёр {n}»",
        "inn": unique_inn(),
        "region": "central",
        "partner_type": "dealer",
        "status": status,
    } | fields
    values.setdefault("search_name", search_text(values["legal_name"]))
    row = Partner(**values)
    await row.save()
    return row.id


async def user(role: str | Role = Role.PARTNER_STAFF, partner_id: int | None = None, *, email: str | None = None,
               password: str = PASSWORD, is_active: bool = True, full_name: str | None = None) -> int:
    role = Role(role)
    n = next(_seq)
    if role in (Role.PARTNER_STAFF, Role.PARTNER_ADMIN) and partner_id is None:
        partner_id = await partner()
    email = email or f"{role.value}{n}@example.com"
    full_name = full_name or f"Пользователь {n}"
    row = User(
        email=email,
        full_name=full_name,
        search_name=search_text(full_name, email),
        password_hash=passwords.hash_password_sync(password),
        role=role.value,
        partner=partner_id,
        is_active=is_active,
    )
    await row.save()
    return row.id


async def email_of(user_id: int) -> str:
    row = await User.select(User.email).where(User.id == user_id).first()
    return row["email"]


def jpeg(width: int = 64, height: int = 48, color: str = "#3a7", orientation: int | None = None,
         seed: int = 0) -> bytes:
    """A real JPEG made with Pillow; ``orientation`` writes an EXIF orientation tag, ``seed`` varies the pixels."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 3, height // 2), fill="#000")  # an asymmetric mark: orientation is visible
    if seed:
        draw.ellipse((seed % width, seed % height, seed % width + 10, seed % height + 10), fill="#fff")
    buf = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}  # a GPS latitude that must not survive
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


async def product(sku: str | None = None, serial_pattern: str = "", **fields) -> int:
    from portal.products.tables import Product

    n = next(_seq)
    sku = sku or f"SKU-{n}"
    name = fields.pop("name", f"Котёл {n}")
    row = Product(sku=sku, name=name, search_name=f"{sku} {name}".casefold(), category=fields.pop("category", "boilers"),
                  unit_price_kop=fields.pop("unit_price_kop", 4599000), serial_pattern=serial_pattern, **fields)
    await row.save()
    return row.id


def claim_form(product_id: int, **overrides) -> dict:
    import secrets

    from portal.db import company_today

    return {
        "idempotency_key": secrets.token_urlsafe(18),
        "item": f"p:{product_id}",
        "quantity": "1",
        "serials": "",
        "sold_on": company_today().isoformat(),
        "amount": "45 990,00",
    } | overrides


async def claim(actor, product_id: int, photos: list[bytes] | None = None, **overrides) -> int:
    """Register a claim through the service, as the dealer's phone would."""
    from portal.claims import services

    result = await services.submit(actor, claim_form(product_id, **overrides), photos or [])
    return result.claim_id


# --- HTTP helpers -------------------------------------------------------------------

def _csrf_cookie(client: AsyncTestClient) -> str | None:
    # "__Host-csrftoken" when the app's cookies are secure (portal/web/sessions.py)
    return client.cookies.get("csrftoken") or client.cookies.get("__Host-csrftoken")


async def csrf_token(client: AsyncTestClient) -> str:
    token = _csrf_cookie(client)
    if not token:
        await client.get("/login")
        token = _csrf_cookie(client)
    assert token, "the app must set a CSRF cookie on a safe request"
    return token


async def post_form(client: AsyncTestClient, url: str, data: dict | None = None, **kwargs):
    headers = {"x-csrftoken": await csrf_token(client)} | kwargs.pop("headers", {})
    return await client.post(url, data=data or {}, headers=headers, **kwargs)


async def login(client: AsyncTestClient, email: str, password: str = PASSWORD):
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


async def login_as(client: AsyncTestClient, role: str | Role, partner_id: int | None = None) -> int:
    """Create a user of the role and log the client in as them. Returns the user id."""
    user_id = await user(role, partner_id)
    await login(client, await email_of(user_id))
    return user_id


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A few hundred bytes claiming billions of pixels: a decompression bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png(width: int = 40, height: int = 30, tail: bytes = b"") -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 255)).save(buf, "PNG")
    return buf.getvalue() + tail


async def current(user_id: int):
    from portal.accounts.services import user_for_session

    return await user_for_session(user_id)


async def dealer(partner_id: int | None = None, role=None):
    """A partner user as services see them (CurrentUser)."""
    return await current(await user(role or Role.PARTNER_STAFF, partner_id))


async def company(role=Role.MANAGER):
    return await current(await user(role))


async def partner_row(partner_id: int) -> dict:
    return await Partner.select().where(Partner.id == partner_id).first()
