"""The demo data loads through the services and can be loaded twice."""

from portal.accounts.roles import Role
from portal.accounts.tables import Partner, User
from portal.audit.tables import AuditEntry
from portal.demo import DEMO_PASSWORD, load_demo
from tests import factories as f


async def test_demo_loads_once_and_twice_changes_nothing(client):
    logins = await load_demo()
    counts = (await Partner.count(), await User.count(), await AuditEntry.count())
    assert counts[0] == 20
    from portal.claims.tables import Claim
    from portal.products.tables import Product

    assert await Product.count() == 8 and await Claim.count() == 7
    from portal.periods.services import current_span, status_of
    from portal.periods.tables import Act

    assert await status_of(current_span().previous().code) == "closed"  # last month: acts to look at
    assert await Act.count() == 1
    from portal.ledger import services as ledger

    dealer = await Partner.select(Partner.id).where(Partner.inn == "7701000001").first()
    points_before = await ledger.balance(dealer["id"], "points_pending")
    assert points_before > 0  # two demo registrations are approved and earned points
    assert {login.role for login in logins} == {r.value for r in Role}
    assert len({row["region"] for row in await Partner.select(Partner.region)}) >= 5
    await load_demo()
    assert (await Partner.count(), await User.count(), await AuditEntry.count()) == counts
    assert await ledger.balance(dealer["id"], "points_pending") == points_before
    await f.login(client, "dealer@premia.example", DEMO_PASSWORD)
