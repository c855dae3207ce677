"""The act (акт выполненных работ): its content as plain data, its A4 layout, and writing many at once.

``ActData`` is plain and picklable, so a process pool renders acts while the main process keeps the
database; ``render_act`` is pure (same data, same bytes). Acts are legal documents in Russian whatever the
reader's language, so numbers are formatted here the Russian way, not through the locale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from portal.periods.pdf import A4, Page, font_for, load_font, render
from portal.periods.words import rubles_in_words

MARGIN = 42.0
WIDTH = A4[0] - 2 * MARGIN
BOTTOM = A4[1] - 60


@dataclass(frozen=True)
class Requisites:
    name: str
    inn: str
    address: str = ""
    bank: str = ""
    bik: str = ""
    account: str = ""


@dataclass(frozen=True)
class Line:
    name: str
    quantity: int
    amount_kop: int  # the sale or job amount
    reward_kop: int
    points: int


@dataclass(frozen=True)
class ActData:
    partner_id: int
    number: str
    date: dt.date
    period_from: dt.date
    period_to: dt.date
    company: Requisites
    partner: Requisites
    lines: tuple[Line, ...]
    bonuses: tuple[tuple[str, int, int], ...]  # (what, kopecks, points)

    @property
    def total_kop(self) -> int:
        return sum(l.reward_kop for l in self.lines) + sum(b[1] for b in self.bonuses)

    @property
    def total_points(self) -> int:
        return sum(l.points for l in self.lines) + sum(b[2] for b in self.bonuses)


def money(kop: int) -> str:
    rubles, rest = divmod(abs(kop), 100)
    grouped = f"{rubles:,}".replace(",", "\u00a0")
    return f"{'-' if kop < 0 else ''}{grouped},{rest:02d}"


def number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


COLUMNS = (("№", 22, "left"), ("Наименование работ, товаров", 205, "left"), ("Кол-во", 45, "right"),
           ("Продажи, ₽", 85, "right"), ("Вознаграждение, ₽", 85, "right"), ("Баллы", 69, "right"))
HEAD_SIZE, HEAD_LEADING = 8.0, 9.5
FOOTER_Y = A4[1] - 30


def _texts(data: ActData) -> list[str]:
    """Everything a document prints that comes from data (the rest is the layout's own Russian text)."""
    out = [data.number]
    for req in (data.company, data.partner):
        out += [req.name, req.inn, req.address, req.bank, req.bik, req.account]
    out += [l.name for l in data.lines] + [b[0] for b in data.bonuses]
    return out


@lru_cache(maxsize=1)
def _column_titles() -> tuple[tuple[str, ...], ...]:
    """Column titles wrapped inside their columns, keeping a margin (bold strokes draw wider than the advances):
    the same for every act (any font an act embeds has the same advances for these characters)."""
    page = Page(load_font())
    return tuple(tuple(page.wrap(title, HEAD_SIZE, width - 8)) for title, width, _align in COLUMNS)


def heading(data: ActData) -> str:
    return f"АКТ № {data.number} от {_date(data.date)}"


def layout(data: ActData) -> list[Page]:
    font = font_for(_texts(data))
    pages = [Page(font)]
    page = pages[0]
    y = 56.0
    page.text(MARGIN, y, heading(data), 14, bold=True, align="center", width=WIDTH)
    y += 18
    page.text(MARGIN, y, "выполненных работ (оказанных услуг) по программе лояльности", 10, align="center", width=WIDTH)
    y += 14
    page.text(MARGIN, y, f"за период с {_date(data.period_from)} по {_date(data.period_to)}", 10, align="center",
              width=WIDTH)
    y += 24
    page.text(MARGIN, y, f"Дата составления: {_date(data.date)}", 9, align="right", width=WIDTH)
    y += 20
    for role, req in (("Заказчик", data.company), ("Исполнитель", data.partner)):
        head = f"{role}: {req.name}, ИНН {req.inn}"
        for text in page.wrap(head, 9.5, WIDTH):
            page.text(MARGIN, y, text, 9.5, bold=True)
            y += 13
        details = ", ".join(p for p in (req.address and f"адрес: {req.address}",
                                        req.bank and f"банк: {req.bank}", req.bik and f"БИК {req.bik}",
                                        req.account and f"р/с {req.account}") if p)
        for text in page.wrap(details, 9, WIDTH) if details else []:
            page.text(MARGIN, y, text, 9)
            y += 12
        y += 6
    y += 6

    titles = _column_titles()
    head_lines = max(len(t) for t in titles)

    def header(pg: Page, top: float) -> float:
        x = MARGIN
        pg.line(MARGIN, top - 11, MARGIN + WIDTH, top - 11, 0.8)
        for lines, (_title, width, align) in zip(titles, COLUMNS):
            for k, text in enumerate(lines):
                pg.text(x + 2, top + HEAD_LEADING * k, text, HEAD_SIZE, bold=True, align=align, width=width - 4)
            x += width
        bottom = top + HEAD_LEADING * (head_lines - 1)
        pg.line(MARGIN, bottom + 5, MARGIN + WIDTH, bottom + 5, 0.8)
        return bottom + 18

    y = header(page, y)
    rows = [(str(n), l.name, number(l.quantity), money(l.amount_kop), money(l.reward_kop), number(l.points))
            for n, l in enumerate(data.lines, start=1)]
    rows += [(str(len(rows) + n), what, "", "", money(kop), number(points))
             for n, (what, kop, points) in enumerate(data.bonuses, start=1)]
    for row in rows:
        name_lines = page.wrap(row[1], 8.5, COLUMNS[1][1] - 4)
        height = 12 * len(name_lines) + 3
        if y + height > BOTTOM:
            page = Page(font)
            pages.append(page)
            y = header(page, 56.0)
        x = MARGIN
        for n, (cell, (_title, width, align)) in enumerate(zip(row, COLUMNS)):
            if n == 1:
                for k, text in enumerate(name_lines):
                    page.text(x + 2, y + 12 * k, text, 8.5)
            else:
                page.text(x + 2, y, cell, 8.5, align=align, width=width - 4)
            x += width
        y += height
        page.line(MARGIN, y - 9, MARGIN + WIDTH, y - 9, 0.3, 0.6)

    half = WIDTH / 2
    signers = [page.wrap(req.name, 9, half - 20) for req in (data.company, data.partner)]
    sign_height = 14 + 12 * max(len(s) for s in signers) + 50
    total_lines = page.wrap(f"Всего к выплате: {money(data.total_kop)} ₽ ({rubles_in_words(data.total_kop)}). "
                            "НДС не облагается.", 10, WIDTH)
    claim_lines = page.wrap("Вышеперечисленные работы (услуги) выполнены полностью и в срок. Заказчик претензий "
                            "по объёму, качеству и срокам оказания услуг не имеет.", 9, WIDTH)
    closing_height = 8 + 15 + 22 + 14 * len(total_lines) + 6 + 12 * len(claim_lines) + 40 + sign_height
    if y + closing_height > BOTTOM:
        page = Page(font)
        pages.append(page)
        y = 56.0
    y += 8
    page.text(MARGIN, y, f"Итого вознаграждение: {money(data.total_kop)} ₽", 10.5, bold=True, align="right",
              width=WIDTH)
    y += 15
    page.text(MARGIN, y, f"Итого баллов начислено: {number(data.total_points)}", 10, align="right", width=WIDTH)
    y += 22
    for text in total_lines:
        page.text(MARGIN, y, text, 10)
        y += 14
    y += 6
    for text in claim_lines:
        page.text(MARGIN, y, text, 9)
        y += 12
    y += 40
    for n, (role, lines) in enumerate(zip(("Заказчик", "Исполнитель"), signers)):
        x = MARGIN + n * (half + 10)
        page.text(x, y, role, 10, bold=True)
        for k, text in enumerate(lines):  # the whole name, however long: a signature block names who signs
            page.text(x, y + 14 + 12 * k, text, 9)
        rule = y + 14 + 12 * max(len(s) for s in signers) + 22  # both signatures on one line
        page.line(x, rule, x + half - 40, rule, 0.5)
        page.text(x, rule + 12, "подпись / расшифровка", 7.5)
        page.text(x, rule + 28, "М.П.", 8)

    title = heading(data)
    for n, pg in enumerate(pages, start=1):  # every page says whose it is and where it stands
        pg.line(MARGIN, FOOTER_Y - 11, MARGIN + WIDTH, FOOTER_Y - 11, 0.3, 0.6)
        pg.text(MARGIN, FOOTER_Y, title, 7.5)
        pg.text(MARGIN, FOOTER_Y, f"Страница {n} из {len(pages)}", 7.5, align="right", width=WIDTH)
    return pages


def render_act(data: ActData) -> bytes:
    return render(layout(data), title=f"Акт № {data.number}")


def write_acts(jobs: list[tuple[str, ActData]]) -> list[tuple[int, str, str, int, int]]:
    """Render and write each act (in a worker process). A file is written under a temporary name and
    renamed, so a killed worker never leaves half a PDF under the act's name.
    Returns (partner id, file name, sha256, total kopecks, points) per act."""
    out = []
    for path, data in jobs:
        body = render_act(data)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, target)
        out.append((data.partner_id, target.name, hashlib.sha256(body).hexdigest(), data.total_kop, data.total_points))
    return out
