"""The image pipeline: every uploaded picture is checked, normalised and re-encoded.

What goes in is untrusted bytes; what comes out is a fresh JPEG we wrote
ourselves: orientation applied, no EXIF (so no GPS), no trailing bytes
(polyglots), at a bounded size. The type is decided by content, never by name.
This module never touches the database; renditions are written through
``portal.media.storage`` (this host's disk or a shared S3-compatible store).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.errors import DomainError
from portal.i18n import N_
from portal.media.storage import storage

try:  # HEIC from iPhones, where the pillow-heif plugin is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover
    HEIC = False

# MPO: the multi-picture JPEG phones write for portrait shots and Ultra HDR (a JPEG plus gain maps or depth
# frames); its first frame is the photo.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"} | ({"HEIF"} if HEIC else set())
JPEG_FORMATS = ("JPEG", "MPO")
# 16-bit greyscale (PNG "I;16" and friends, read as "I"): Pillow's convert("RGB") clips every value above 255
# to white, so these are scaled to 8 bits first.
WIDE_GREY_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N")
MAX_PIXELS = 40_000_000  # a 40-MP photo is bigger than any phone makes
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses twice this at open(), before decoding
DISPLAY_EDGE = 1600
THUMB_EDGE = 320


class ImageRejected(DomainError):
    status_code = 400


class ImageTooLarge(DomainError):
    status_code = 413
    msgid = N_("The photo is larger than %(mb)s MB.")


@dataclass(frozen=True)
class Rendition:
    name: str  # random file name under the media root
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    display: Rendition
    thumb: Rendition
    sha256: str  # of the normalised pixels: the same photo re-saved still matches
    dhash: str  # perceptual difference hash, 16 hex digits


def _dhash(image: Image.Image) -> str:
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # mode "L": one byte per pixel
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (pixels[row * 9 + col] > pixels[row * 9 + col + 1])
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def open_checked(data: bytes, max_bytes: int) -> Image.Image:
    """Open untrusted bytes as an image, or raise a user-facing error. Nothing is decoded yet."""
    if len(data) > max_bytes:
        raise ImageTooLarge(mb=max_bytes // (1024 * 1024))
    if not data:  # a photo that failed to save on the phone, or a cloud file not downloaded yet
        raise ImageRejected(N_("The file is empty (0 bytes). Pick the photo again."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(N_("The picture is too large: at most %(mp)s megapixels."), mp=MAX_PIXELS // 1_000_000)
    except (UnidentifiedImageError, OSError):
        raise ImageRejected(N_("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC picture."))
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(N_("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC picture."))
    width, height = image.size
    if width * height > MAX_PIXELS or width <= 0 or height <= 0:
        raise ImageRejected(N_("The picture is too large: at most %(mp)s megapixels."), mp=MAX_PIXELS // 1_000_000)
    return image


def check_batch(uploads: list[bytes], max_bytes: int, max_pixels: int) -> None:
    """Refuse a request's pictures whose pixels together exceed ``max_pixels``, reading only their headers:
    decoding is what costs (a 36-MP PNG of one colour is a few kB to send and a second to decode)."""
    total = 0
    for data in uploads:
        with open_checked(data, max_bytes) as image:
            total += image.width * image.height
        if total > max_pixels:
            raise ImageRejected(N_("The photos are too large together: at most %(mp)s megapixels in one sending."),
                                mp=max_pixels // 1_000_000)


def _fit(image: Image.Image, edge: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return copy


def _store(folder: str, name: str, image: Image.Image, fmt: str, content_type: str, **options) -> None:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    storage().put(f"{folder}/{name}", out.getvalue(), content_type)


def _save(image: Image.Image, folder: str, quality: int) -> Rendition:
    name = secrets.token_hex(16) + ".jpg"
    # A fresh JPEG written by us: no EXIF, no ICC tricks, nothing after the end marker.
    _store(folder, name, image, "JPEG", "image/jpeg", quality=quality)
    return Rendition(name=name, width=image.width, height=image.height)


def remove(folder: str, names: list[str]) -> None:
    """Delete renditions that were written but are not going to be recorded (a failed save)."""
    for name in names:
        storage().delete(f"{folder}/{name}")


def load_normalised(data: bytes, max_bytes: int, edge: int = DISPLAY_EDGE) -> Image.Image:
    """Untrusted bytes -> a decoded RGB picture, upright, with no metadata carried over.
    Raises ImageRejected / ImageTooLarge with the user's message."""
    image = open_checked(data, max_bytes)
    try:
        if image.format in JPEG_FORMATS:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still at least the display size:
            # a 12-MP phone photo then costs a fraction of a full decode.
            width, height = image.size
            longest = max(width, height)
            if longest > edge:
                image.draft("RGB", (width * edge // longest, height * edge // longest))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(N_("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC picture."))
    if image.mode in WIDE_GREY_MODES:
        image = _grey_to_8_bits(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    return image


def _grey_to_8_bits(image: Image.Image) -> Image.Image:
    """16-bit greyscale -> 8-bit "L" as any viewer shows it: 0..65535 mapped onto 0..255."""
    return image.convert("I").point(lambda v: v / 257).convert("L")


def save_webp(image: Image.Image, folder: str, edge: int, quality: int = 80) -> Rendition:
    """A WebP rendition that fits ``edge``, under a random name (never the uploader's)."""
    fitted = _fit(image, edge)
    name = secrets.token_hex(16) + ".webp"
    _store(folder, name, fitted, "WEBP", "image/webp", quality=quality, method=4)
    return Rendition(name=name, width=fitted.width, height=fitted.height)


def process(data: bytes, folder: str, max_bytes: int) -> ProcessedImage:
    """Validate and normalise one upload; store a display size and a thumbnail in ``folder``."""
    image = load_normalised(data, max_bytes)
    display_image = _fit(image, DISPLAY_EDGE)
    thumb_image = _fit(display_image, THUMB_EDGE)
    display = _save(display_image, folder, 85)
    thumb = _save(thumb_image, folder, 80)
    # Both fingerprints come from the small copy: the same photo re-sent or re-saved matches.
    sha = hashlib.sha256(_fit(thumb_image, 64).tobytes()).hexdigest()
    return ProcessedImage(display=display, thumb=thumb, sha256=sha, dhash=_dhash(thumb_image))
