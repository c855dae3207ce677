"""Sums in Russian words, as an act writes its total: "Двенадцать тысяч триста сорок пять рублей 67 копеек".
Pure: the act, its tests and anything else that prints a sum in words use this one function."""

from __future__ import annotations

_UNITS_M = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_UNITS_F = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
          "семнадцать", "восемнадцать", "девятнадцать"]
_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"]
_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]
# (forms for 1, 2-4, 5+; feminine?) from the lowest group up
_SCALES = [(("", "", ""), False), (("тысяча", "тысячи", "тысяч"), True), (("миллион", "миллиона", "миллионов"), False),
           (("миллиард", "миллиарда", "миллиардов"), False), (("триллион", "триллиона", "триллионов"), False)]


def plural(n: int, forms: tuple[str, str, str]) -> str:
    n = abs(n) % 100
    if 11 <= n <= 19:
        return forms[2]
    n %= 10
    return forms[0] if n == 1 else forms[1] if 2 <= n <= 4 else forms[2]


def _triad(n: int, feminine: bool) -> list[str]:
    words = [_HUNDREDS[n // 100]]
    rest = n % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words += [_TENS[rest // 10], (_UNITS_F if feminine else _UNITS_M)[rest % 10]]
    return [w for w in words if w]


def number_in_words(n: int, feminine: bool = False) -> str:
    if n == 0:
        return "ноль"
    if n < 0:
        return "минус " + number_in_words(-n, feminine)
    words: list[str] = []
    group = 0
    while n:
        n, triad = divmod(n, 1000)
        if group >= len(_SCALES):
            raise ValueError("number too large")
        if triad:
            forms, fem = _SCALES[group]
            part = _triad(triad, fem if group else feminine)
            if group:
                part.append(plural(triad, forms))
            words = part + words
        group += 1
    return " ".join(words)


def rubles_in_words(amount_kop: int) -> str:
    """123456 -> "Одна тысяча двести тридцать четыре рубля 56 копеек"."""
    rubles, kop = divmod(abs(amount_kop), 100)
    text = f"{number_in_words(rubles)} {plural(rubles, ('рубль', 'рубля', 'рублей'))} " \
           f"{kop:02d} {plural(kop, ('копейка', 'копейки', 'копеек'))}"
    text = text[0].upper() + text[1:]
    return ("Минус " + text[0].lower() + text[1:]) if amount_kop < 0 else text
