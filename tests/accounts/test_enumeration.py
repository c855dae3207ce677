"""Registration does not tell a stranger which e-mail addresses have accounts, and is rate-limited per address."""

from __future__ import annotations

from portal.accounts.inn import make_inn10
from portal.accounts.roles import Role
from portal.accounts.tables import Partner, User
from portal.audit.tables import AuditEntry
from portal.notifications.tables import Notification
from portal.settings import get_settings
from tests import factories as f
from tests.accounts.test_joining import registration


async def test_registering_with_a_taken_email_answers_like_a_new_one_and_tells_the_owner(client, another_client):
    owner = await f.user(Role.MANAGER, email="petr@example.com")
    taken = await f.post_form(client, "/register/", registration(inn=make_inn10("770708311")))
    fresh = await f.post_form(client, "/register/", registration(inn=make_inn10("770708322"),
                                                                 contact_email="new@example.com"))
    assert (taken.status_code, taken.headers["location"]) == (fresh.status_code, fresh.headers["location"])
    assert taken.status_code == 303
    assert not await Partner.exists().where(Partner.inn == make_inn10("770708311"))  # nothing was created
    assert await User.count().where(User.email == "petr@example.com") == 1
    note = await Notification.select().where(Notification.user == owner).first()
    assert note["kind"] == "account.registration_email_in_use"
    assert await AuditEntry.exists().where(AuditEntry.action == "registration.email_in_use")
    await f.login(another_client, "petr@example.com")
    bell = await another_client.get("/notifications/")
    assert "ООО «Новый дилер»" in bell.text and "вашим адресом" in bell.text


async def test_anonymous_registration_is_limited_per_address(client):
    limit = get_settings().security.register_limit_per_ip
    for n in range(limit):
        response = await f.post_form(client, "/register/", registration(inn=make_inn10(f"77{n:07d}"),
                                                                         contact_email=f"a{n}@example.com"))
        assert response.status_code == 303
    refused = await f.post_form(client, "/register/", registration(inn=make_inn10("779999999"),
                                                                   contact_email="late@example.com"))
    assert refused.status_code == 429
    assert "Слишком много регистраций" in refused.text
    assert "ООО «Новый дилер»" in refused.text  # the form keeps what was typed
    assert not await User.exists().where(User.email == "late@example.com")
