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


@pytest.mark.parametrize("typed", ["5001 0073 2259", "500-100-732-259", "5001\u00a00073\u00a02259", " 500100732259 ",
                                   "770 708 3893"])
def test_inn_typed_with_spaces_dashes_or_nbsp_is_cleaned_before_its_length_is_checked(typed):
    from portal.accounts.forms import PartnerForm

    form = PartnerForm.parse({"legal_name": "ИП Иванов", "inn": typed, "region": "central", "partner_type": "dealer"})
    assert form.inn == typed.replace(" ", "").replace("-", "").replace("\u00a0", "")


def test_inn_with_wrong_check_digits_is_still_refused_after_cleaning():
    from portal.accounts.forms import PartnerForm
    from portal.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        PartnerForm.parse({"legal_name": "ИП Иванов", "inn": "5001 0073 2258", "region": "central",
                           "partner_type": "dealer"})
    assert "inn" in exc.value.errors
