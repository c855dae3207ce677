"""A small PDF writer for acts: A4 pages of text and rules, in one embedded TrueType font.

Why not fpdf2: it re-parses and re-subsets the font for every document (8 ms a document here with a
pre-cut font, before any layout), which caps a close at ~120 acts/s per core. Acts mostly use the same
~250 glyphs, so this writer keeps a pre-cut font (static/fonts/DejaVuSans-subset.ttf: Latin, Russian,
the punctuation acts print), builds its font objects (FontFile2, widths, ToUnicode map) once per process,
and per document writes only the page content streams and the cross-reference table: about a millisecond
an act.

A document whose text needs a character outside that cut (a legal name with ™, ö, Tatar or Kazakh letters)
embeds instead a subset of the full DejaVu Sans (static/fonts/DejaVuSans.ttf, shipped with the project so
that nothing depends on a system font) holding the usual cut plus the 128-character ranges its text touches
(Latin-1, Cyrillic Supplement, letterlike symbols...). Subsets are cached per process by those ranges, so a
close cuts the font a few times, not once per name (a cut costs ~150 ms; such an act is ~33 KB instead of
~17 KB). Only a character that DejaVu Sans itself lacks still prints as "?".

The font is embedded as a Type0/CIDFontType2 with Identity-H encoding and a ToUnicode CMap, so text
extraction (pdftotext, copy and paste, screen readers) gives back the exact Unicode text.
Bold is drawn as fill + thin stroke of the same glyphs (text render mode 2), so one font file suffices.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

A4 = (595.28, 841.89)
FONT_PATH = Path(__file__).resolve().parents[2] / "static" / "fonts" / "DejaVuSans-subset.ttf"
FULL_FONT_PATH = FONT_PATH.with_name("DejaVuSans.ttf")


@dataclass(frozen=True)
class Font:
    gids: dict[int, int]  # code point -> glyph id
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    objects: tuple[bytes, bytes, bytes, bytes, bytes]  # Type0, CIDFont, descriptor, FontFile2, ToUnicode (bodies)
    # Per character, for speed (a close lays out thousands of acts): its glyph as 4 hex digits, and its advance.
    codes: dict[str, str] = field(default_factory=dict, compare=False)
    advances: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for cp, gid in self.gids.items():
            self.codes[chr(cp)] = f"{gid:04X}"
            self.advances[chr(cp)] = self.widths.get(gid, 0)

    def encode(self, text: str) -> bytes:
        codes = self.codes
        fallback = codes.get("?", "0000")
        return "".join([codes.get(ch, fallback) for ch in text]).encode("ascii")

    def units(self, text: str) -> int:
        """The advance of ``text`` in 1/1000 em (a character the font lacks counts as the "?" it prints as)."""
        advances = self.advances
        fallback = advances.get("?", 0)
        return sum([advances.get(ch, fallback) for ch in text])

    def width(self, text: str, size: float) -> float:
        return self.units(text) * size / 1000


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data, 9)
    return f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode() + packed + b"\nendstream"


@lru_cache(maxsize=1)
def load_font(path: str = str(FONT_PATH)) -> Font:
    """The usual cut and its PDF objects: built once per process."""
    return _build_font(Path(path).read_bytes(), "PRMIAA+DejaVuSans")


@lru_cache(maxsize=1)
def _full_font() -> tuple[bytes, frozenset[int]]:
    from fontTools.ttLib import TTFont

    data = FULL_FONT_PATH.read_bytes()
    return data, frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())


def font_for(texts: Iterable[str]) -> Font:
    """The font for a document that prints ``texts``: the usual cut if it has every character, else a subset
    of the full font with the usual cut's characters plus whole 128-character ranges around the missing ones
    (Latin-1, Cyrillic Supplement, letterlike symbols...). A range rather than the exact characters: acts of
    one region share a few ranges, so a close cuts the font a few times, not once per name (~150 ms each)."""
    base = load_font()
    missing = {ord(ch) for text in texts for ch in text} - base.gids.keys()
    if not missing:
        return base
    ranges = frozenset(cp >> 7 for cp in missing if cp <= 0xFFFF)  # 4-digit Identity-H codes
    return _extended_font(ranges) if ranges else base


@lru_cache(maxsize=64)
def _extended_font(ranges: frozenset[int]) -> Font:
    from fontTools import subset

    data, cmap = _full_font()
    extra = {cp for cp in cmap if cp >> 7 in ranges}
    options = _subset_options()
    font = subset.load_font(io.BytesIO(data), options)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=set(load_font().gids) | extra)
    cutter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    # A subset's tag is six capital letters, different for a different subset (PDF 32000-1, 9.6.4).
    digest = hashlib.sha256(",".join(map(str, sorted(ranges))).encode()).digest()
    tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
    return _build_font(out.getvalue(), f"{tag}+DejaVuSans")


def _subset_options():
    from fontTools import subset

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: nothing to print
    return options


def _build_font(data: bytes, font_name: str) -> Font:
    """A TrueType font's PDF objects: the Type0 font, its CIDFont, descriptor, file and ToUnicode map."""
    from fontTools.ttLib import TTFont

    tt = TTFont(io.BytesIO(data))
    scale = 1000 / tt["head"].unitsPerEm
    cmap = tt.getBestCmap()
    order = tt.getGlyphOrder()
    gid_of = {name: n for n, name in enumerate(order)}
    gids = {cp: gid_of[name] for cp, name in cmap.items() if cp <= 0xFFFF}
    widths = {n: round(tt["hmtx"][name][0] * scale) for n, name in enumerate(order)}
    head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]
    bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    type0 = (f"<< /Type /Font /Subtype /Type0 /BaseFont /{font_name} /Encoding /Identity-H "
             f"/DescendantFonts [4 0 R] /ToUnicode 7 0 R >>").encode()
    w = " ".join(str(widths[n]) for n in range(len(order)))
    cid = (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font_name} "
           f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
           f"/FontDescriptor 5 0 R /CIDToGIDMap /Identity /DW 600 /W [0 [{w}]] >>").encode()
    descriptor = (f"<< /Type /FontDescriptor /FontName /{font_name} /Flags 32 /FontBBox [{' '.join(map(str, bbox))}] "
                  f"/ItalicAngle 0 /Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)} "
                  f"/CapHeight {round(getattr(os2, 'sCapHeight', hhea.ascent) * scale)} /StemV 80 "
                  f"/FontFile2 6 0 R >>").encode()
    fontfile = _stream(data, f" /Length1 {len(data)}")
    pairs = sorted((gid, cp) for cp, gid in gids.items())
    seen, blocks = set(), []
    unique = [(g, c) for g, c in pairs if not (g in seen or seen.add(g))]
    for start in range(0, len(unique), 100):
        chunk = unique[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(f"<{g:04X}> <{c:04X}>" for g, c in chunk)
                      + "\nendbfchar")
    cmap_text = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(blocks) +
                 "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
    return Font(gids, widths, (type0, cid, descriptor, fontfile, _stream(cmap_text.encode())))


@dataclass
class Page:
    """Drawing on one page, with y measured from the top (as people lay out documents)."""

    font: Font
    ops: list[bytes] = field(default_factory=list)
    height: float = A4[1]

    def text(self, x: float, y: float, text: str, size: float = 10, bold: bool = False, align: str = "left",
             width: float = 0) -> None:
        if not text:
            return
        if align != "left":
            w = self.font.width(text, size)
            x = x + (width - w) if align == "right" else x + (width - w) / 2
        mode = b"2 Tr 0.35 w " if bold else b""
        self.ops.append(b"BT %s/F1 %.2f Tf 1 0 0 1 %.2f %.2f Tm <%s> Tj ET%s" % (
            mode, size, x, self.height - y, self.font.encode(text), b" 0 Tr" if bold else b""))

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5, gray: float = 0) -> None:
        self.ops.append(b"%.2f G %.2f w %.2f %.2f m %.2f %.2f l S 0 G" % (
            gray, width, x1, self.height - y1, x2, self.height - y2))

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Split ``text`` into lines that fit ``width`` at ``size`` (by words; a too-long word is cut).
        Widths are summed in whole font units, word by word, so a line is measured once."""
        units, limit = self.font.units, width * 1000 / size
        space = units(" ")
        lines: list[str] = []
        current, used = "", 0
        for word in text.split():
            need = units(word)
            if current and used + space + need <= limit:
                current, used = f"{current} {word}", used + space + need
                continue
            if not current and need <= limit:
                current, used = word, need
                continue
            if current:
                lines.append(current)
            while need > limit and len(word) > 1:
                cut = len(word)
                while cut > 1 and units(word[:cut]) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                need = units(word)
            current, used = word, need
        if current:
            lines.append(current)
        return lines or [""]


def render(pages: list[Page], title: str = "") -> bytes:
    """The document: the shared font objects plus each page's content stream."""
    font = pages[0].font
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def obj(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n" % number)
        out.extend(body)
        out.extend(b"\nendobj\n")

    first_page = 9
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for number, body in zip(range(3, 8), font.objects):
        obj(number, body)
    safe_title = title.encode("utf-16-be").hex().upper()
    obj(8, f"<< /Title <FEFF{safe_title}> /Producer (Premia) >>".encode())
    for n, page in enumerate(pages):
        number = first_page + 2 * n
        obj(number, (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] "
                     f"/Resources << /Font << /F1 3 0 R >> >> /Contents {number + 1} 0 R >>").encode())
        content = zlib.compress(b"\n".join(page.ops), 6)
        obj(number + 1, b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    xref = len(out)
    count = first_page + 2 * len(pages)
    out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % count)
    for number in range(1, count):
        out.extend(b"%010d 00000 n \n" % offsets[number])
    out.extend(b"trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))
    return bytes(out)


def build_font(source: str, target: str = str(FONT_PATH)) -> None:
    """Cut the DejaVu Sans TTF down to what acts usually print (run once; the result is committed)."""
    from fontTools import subset

    chars = ("".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0x410, 0x450))
             + "ЁёА№«»—–…“”„‘’•·₽×°\u00a0")
    options = _subset_options()
    font = subset.load_font(source, options)
    cutter = subset.Subsetter(options)
    cutter.populate(text=chars)
    cutter.subset(font)
    subset.save_font(font, target, options)


if __name__ == "__main__":  # python -m portal.periods.pdf --build-font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--build-font":
        build_font(sys.argv[2])
