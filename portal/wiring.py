"""Connects domain events to their subscribers and domains to the database's after-commit hooks, fills
the slots lower layers call up through (portal/slots.py) and hands each domain's template labels to the
web layer. Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from catalog import labels as catalog_labels
    from catalog import slots as catalog_slots
    from portal import db
    from portal.accounts import labels as accounts_labels
    from portal.accounts import services as accounts
    from portal.accounts.events import EmailAlreadyInUse
    from portal.claims import slots as claims_slots
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
    from portal.dashboard import services as dashboard
    from portal.ledger import labels as ledger_labels
    from portal.notifications import handlers as bell
    from portal.periods import labels as periods_labels
    from portal.periods import slots as periods_slots
    from portal.plans import labels as plans_labels
    from portal.plans import services as plans
    from portal.revisions import services as revisions
    from portal.rewards import services as rewards
    from portal.web import auth, templating
    from scheduler import labels as scheduler_labels

    if not db.is_sqlite():  # SQLite's triggers bump the revisions inside the writing transaction
        db.on_commit(revisions.flush)

    events.subscribe(ClaimDecided, rewards.on_claim_decided)
    events.subscribe(ClaimDecided, plans.on_claim_decided)  # after rewards: it reads the accruals
    events.subscribe(ClaimDecided, bell.on_claim_decided)
    events.subscribe(ClaimApprovalRevoked, rewards.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, plans.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, bell.on_approval_revoked)
    events.subscribe(EmailAlreadyInUse, bell.on_email_already_in_use)

    auth.accounts.fill(accounts)
    periods_slots.plans.fill(plans)
    claims_slots.estimate.fill(dashboard.estimate)

    from portal.audit import labels as audit_labels
    from portal.products import labels as products_labels
    from portal.rewards import labels as rewards_labels

    for labels in (accounts_labels, ledger_labels, plans_labels, periods_labels, catalog_labels, scheduler_labels):
        templating.add(labels.register)
    for labels in (audit_labels, products_labels, rewards_labels):
        templating.add(labels.register)
    _wire_game(catalog_slots)


def _wire_game(catalog_slots) -> None:
    """The game layer follows decisions, orders and closes after rewards and plans (it reads the accruals
    they posted and the plans' sales summary), and reaches the catalogue, the accounts pages and the rewards
    engine through their slots."""
    from catalog import services as catalog
    from catalog.events import OrderPlaced
    from portal.accounts import slots as accounts_slots
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
    from portal.gamification import badges, contests, leagues, standings, tiers
    from portal.gamification import labels as game_labels
    from portal.gamification import services as game
    from portal.gamification import slots as game_slots
    from portal.periods.events import PeriodClosed
    from portal.rewards import slots as rewards_slots
    from portal.web import templating

    for part in (tiers, contests, badges, standings):
        events.subscribe(ClaimDecided, part.on_claim_decided)
        events.subscribe(ClaimApprovalRevoked, part.on_approval_revoked)
    events.subscribe(OrderPlaced, badges.on_order_placed)
    for part in (tiers, badges, leagues):
        events.subscribe(PeriodClosed, part.on_period_closed)

    rewards_slots.tier_boost.fill(tiers.boost)
    accounts_slots.partner_tiers.fill(tiers.tiers_for)
    catalog_slots.tier_gate.fill(tiers.gate)
    game_slots.catalog.fill(catalog)

    for panel in (("tiers/_panel.html", tiers.panel), ("_badges.html", badges.panel),
                  ("contests/_panel.html", contests.panel), ("leagues/_panel.html", leagues.panel)):
        if panel not in game.PANELS:
            game.PANELS.append(panel)
    templating.add(game_labels.register)
