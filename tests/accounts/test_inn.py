"""INN check digits."""

import pytest

from portal.accounts.inn import is_valid_inn, make_inn10


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293"])
def test_real_inns_are_valid(inn):
    assert is_valid_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "500100732258", "770708389", "77070838931", "", "abcdefghij",
                                 "７７０７０８３８９３"])
def test_wrong_check_digits_lengths_and_characters_are_refused(inn):
    assert not is_valid_inn(inn)


def test_generated_inns_are_valid():
    assert all(is_valid_inn(make_inn10(f"{n:09d}")) for n in range(0, 10_000, 97))
