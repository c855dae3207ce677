"""The home-screen icons of the web app manifest, drawn from static/img/favicon.svg's design: a white bold
"P" on the brand blue (#0b6bcb), rounded corners (radius 7/32 of the side).

Run once after a design change and commit the PNGs: ``python -m portal.web.icons``. Written for Pillow;
the font is the DejaVu Sans the portal ships (static/fonts), thickened with a stroke as the SVG's bold.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = (11, 107, 203, 255)
WHITE = (255, 255, 255, 255)
STATIC = Path(__file__).resolve().parents[2] / "static"
SCALE = 4  # drawn 4x larger, then shrunk: smooth edges without an anti-aliasing path renderer


def icon(size: int, maskable: bool = False) -> Image.Image:
    """One icon. ``maskable``: full bleed (the platform cuts its own shape) with the letter inside the
    central 80 % safe zone; otherwise the favicon's rounded square on transparency."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BRAND)
        glyph = big * 0.42
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 // 32, fill=BRAND)
        glyph = big * 20 / 32  # the SVG's font-size 20 of 32
    font = ImageFont.truetype(str(STATIC / "fonts" / "DejaVuSans.ttf"), int(glyph))
    stroke = max(1, int(glyph * 0.045))
    draw.text((big / 2, big / 2), "P", font=font, fill=WHITE, anchor="mm", stroke_width=stroke, stroke_fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False), "icon-maskable-512.png": (512, True),
         "apple-touch-icon.png": (180, True)}


def main() -> None:
    for name, (size, maskable) in ICONS.items():
        out = STATIC / "img" / name
        image = icon(size, maskable)
        if name == "apple-touch-icon.png":  # iOS puts its own mask on an opaque square
            image = image.convert("RGB")
        image.save(out, optimize=True)
        print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
