"""Sums in words, as acts print them."""

import pytest

from portal.periods.words import number_in_words, rubles_in_words


@pytest.mark.parametrize("kop,words", [
    (0, "Ноль рублей 00 копеек"),
    (101, "Один рубль 01 копейка"),
    (2_22, "Два рубля 22 копейки"),
    (5_05, "Пять рублей 05 копеек"),
    (11_11, "Одиннадцать рублей 11 копеек"),
    (21_00, "Двадцать один рубль 00 копеек"),
    (1_000_00, "Одна тысяча рублей 00 копеек"),
    (2_000_00, "Две тысячи рублей 00 копеек"),
    (12_345_67, "Двенадцать тысяч триста сорок пять рублей 67 копеек"),
    (1_002_001_00, "Один миллион две тысячи один рубль 00 копеек"),
    (111_111_111_11, "Сто одиннадцать миллионов сто одиннадцать тысяч сто одиннадцать рублей 11 копеек"),
])
def test_rubles_in_words(kop, words):
    assert rubles_in_words(kop) == words


def test_feminine_thousands_and_teens():
    assert number_in_words(21_000) == "двадцать одна тысяча"
    assert number_in_words(14_000) == "четырнадцать тысяч"
    assert number_in_words(3_000_000) == "три миллиона"
