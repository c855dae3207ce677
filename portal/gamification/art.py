"""Server-made badge art: an SVG of a shape, a colour and a glyph, chosen per rule. No external images.

The SVG uses presentation attributes only (no style attributes or elements), so it passes the CSP inline.
A locked badge is drawn in grey with the glyph faded.
"""

from __future__ import annotations

import math
from functools import lru_cache
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

_SHAPES = {
    "circle": '<circle cx="50" cy="50" r="44"/>',
    "shield": '<path d="M50 6 L88 20 V48 C88 72 70 88 50 95 C30 88 12 72 12 48 V20 Z"/>',
    "hexagon": '<polygon points="{}"/>'.format(
        " ".join(f"{50 + 45 * math.cos(math.radians(a)):.1f},{50 + 45 * math.sin(math.radians(a)):.1f}"
                 for a in range(-90, 270, 60))),
    "star": '<polygon points="{}"/>'.format(
        " ".join(f"{50 + (46 if i % 2 == 0 else 30) * math.cos(math.radians(-90 + i * 30)):.1f},"
                 f"{50 + (46 if i % 2 == 0 else 30) * math.sin(math.radians(-90 + i * 30)):.1f}" for i in range(12))),
}
_GLYPHS = {
    "star": '<polygon points="{}"/>'.format(
        " ".join(f"{50 + (18 if i % 2 == 0 else 7.5) * math.cos(math.radians(-90 + i * 36)):.1f},"
                 f"{50 + (18 if i % 2 == 0 else 7.5) * math.sin(math.radians(-90 + i * 36)):.1f}" for i in range(10))),
    "check": '<path d="M34 51 L45 62 L67 38" fill="none" stroke-width="8" stroke-linecap="round" '
             'stroke-linejoin="round"/>',
    "flame": '<path d="M50 30 C58 42 66 48 62 60 C59 68 41 68 38 60 C35 52 42 48 44 40 C47 46 50 46 50 30 Z"/>',
    "bolt": '<polygon points="54,28 36,54 48,54 44,72 64,44 52,44"/>',
    "trophy": '<path d="M38 32 H62 V44 C62 52 56 57 50 57 C44 57 38 52 38 44 Z M46 57 H54 V64 H60 V69 H40 V64 H46 Z"/>',
    "gift": '<path d="M34 44 H66 V52 H34 Z M37 52 H63 V68 H37 Z M47 44 H53 V68 H47 Z"/>',
    "camera": '<path d="M32 40 H42 L45 35 H55 L58 40 H68 V64 H32 Z"/><circle cx="50" cy="52" r="6" fill="{bg}"/>',
    "leaf": '<path d="M34 64 C34 44 48 32 68 32 C68 52 56 66 36 66 Z"/>',
}
_GREY = "#9aa0a6"


def _ink(colour: str) -> str:
    """White or near-black glyph, whichever reads better on the colour."""
    try:
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "#ffffff"
    return "#1f1f1f" if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else "#ffffff"


@lru_cache(maxsize=512)
def svg(shape: str, colour: str, glyph: str, locked: bool = False, size: int = 72, label: str = "") -> Markup:
    fill = _GREY if locked else (colour if len(colour) == 7 and colour.startswith("#") else "#d4a017")
    ink = "#f1f3f4" if locked else _ink(fill)
    body = _SHAPES.get(shape, _SHAPES["circle"])
    mark = _GLYPHS.get(glyph, _GLYPHS["star"]).replace("{bg}", fill)
    fade = ' opacity="0.6"' if locked else ""
    cls = "badge-art locked" if locked else "badge-art"
    return Markup(
        f'<svg class="{cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" '
        f'width="{int(size)}" height="{int(size)}" role="img" aria-label={quoteattr(label)}>'
        f'<g fill="{fill}" stroke="#00000022" stroke-width="2">{body}</g>'
        f'<g fill="{ink}" stroke="{ink}"{fade}>{mark}</g></svg>')


def of(rule: dict, locked: bool = False, size: int = 72, label: str = "") -> Markup:
    return svg(rule.get("shape") or "circle", rule.get("colour") or "", rule.get("glyph") or "star", locked, size,
               label)
