"""The act PDF: any legal name prints exactly, column titles never overlap, long names are signed in full,
and every page carries the act's number, date and "page N of M"."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from portal.periods import acts

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")

NAME = "ООО «Бәләкәй Өмет™ — Schönberg Қазақстан Үңғыш Ғалым Һөнәр» Торгово-монтажная компания полного цикла"
COMPANY = acts.Requisites("ООО «Термотех»", "7704123450", "125009, г. Москва, ул. Заводская, д. 1", "ПАО «Банк»",
                          "044525000", "40702810000000000001")


def _act(name: str = NAME, lines: int = 3) -> acts.ActData:
    partner = acts.Requisites(name, "165512345678", "Казань, ул. Баумана, д. 5", "АО «Банк»", "049205001",
                              "40702810000000000002")
    rows = tuple(acts.Line(f"Котёл Термо {n} (TT-K{n})", n, 12_000_000, 120_000, 100 * n) for n in range(1, lines + 1))
    return acts.ActData(7, "2026-10/000007", dt.date(2026, 11, 2), dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                        COMPANY, partner, rows, (("Бонус за выполнение плана: Котлы — 100 %", 500_000, 0),))


def _write(tmp_path: Path, data: acts.ActData) -> Path:
    path = tmp_path / "act.pdf"
    path.write_bytes(acts.render_act(data))
    return path


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_name_with_guillemets_trademark_umlaut_and_tatar_kazakh_letters_reads_back_exactly(tmp_path):
    path = _write(tmp_path, _act())
    text = _flat("".join(_pages(path)))
    assert NAME in text
    assert "?" not in text  # nothing fell back to the replacement glyph


def test_an_ordinary_act_keeps_the_shared_font(tmp_path):
    from portal.periods.pdf import font_for, load_font

    assert font_for(["ООО «Тепломаркет 1»", "Котёл Термо 24 (TT-K24)", "№ 5 — 100 %"]) is load_font()
    assert font_for([NAME]) is not load_font() and font_for([NAME]) is font_for([NAME])  # cut once, then cached


def test_every_page_has_the_acts_number_date_and_page_n_of_m(tmp_path):
    path = _write(tmp_path, _act(lines=90))
    pages = _pages(path)
    assert len(pages) >= 3
    assert "АКТ № 2026-10/000007 от 02.11.2026" in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"Страница {n} из {len(pages)}" in page
        assert "2026-10/000007 от 02.11.2026" in page


def test_column_titles_stay_apart(tmp_path):
    """Titles of neighbouring columns must not run together (they did: "Продажи, ₽ Вознаграждение, ₽" read as
    one phrase, the second title wider than its column): more than a space's width between them."""
    path = _write(tmp_path, _act())
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(x0), float(y0), float(x1), html.unescape(w)) for x0, y0, x1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)]
    top = next(y for _x0, y, _x1, w in words if w == "Наименование")
    edges, x = [], acts.MARGIN
    for _title, width, _align in acts.COLUMNS:
        edges.append(x)
        x += width

    def column(word) -> int:
        return max(n for n, edge in enumerate(edges) if edge <= (word[0] + word[2]) / 2)

    lines: dict[int, list] = {}
    for word in sorted(w for w in words if top - 1 <= w[1] <= top + 30):
        lines.setdefault(round(word[1]), []).append(word)
    assert len(lines) >= 1
    for row in lines.values():
        for left, right in zip(row, row[1:]):
            if column(left) != column(right):
                assert right[0] - left[2] >= 4, f"{left[3]!r} runs into {right[3]!r}"
            assert left[2] <= edges[column(left)] + acts.COLUMNS[column(left)][1], f"{left[3]!r} leaves its column"


def test_a_long_name_is_signed_in_full(tmp_path):
    name = NAME + " и сервисного обслуживания котельного оборудования в Республике Татарстан"
    path = _write(tmp_path, _act(name))
    last = _pages(path)[-1]
    signature = last[last.index("Исполнитель"):]
    # the two signature columns share lines in the text: take the partner's column (the right half)
    column = " ".join(line[40:].strip() for line in signature.splitlines())
    assert name in _flat(column)
