"""Connects domain events to their subscribers and domains to the database's after-commit hooks, fills
the slots lower layers call up through (portal/slots.py) and hands each domain's template labels to the
web layer. Called by create_app() and the CLI; idempotent."""

from __future__ import annotations

from portal import events


def wire() -> None:
    from catalog import labels as catalog_labels
    from portal import db
    from portal.accounts import labels as accounts_labels
    from portal.accounts import services as accounts
    from portal.accounts.events import EmailAlreadyInUse
    from portal.claims import slots as claims_slots
    from portal.claims.events import ClaimApprovalRevoked, ClaimDecided
    from portal.dashboard import services as dashboard
    from portal.gamification import badges
    from portal.gamification import labels as game_labels
    from portal.gamification import services as game
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
    from catalog import slots as catalog_slots
    from portal.accounts import slots as accounts_slots
    from portal.gamification import labels as game_labels
    from portal.gamification import services as game
    from portal.gamification import tiers
    from portal.periods.events import PeriodClosed
    from portal.rewards import slots as rewards_slots
    from catalog.events import OrderPlaced
    from portal.periods.events import PeriodClosed

    if not db.is_sqlite():  # SQLite's triggers bump the revisions inside the writing transaction
        db.on_commit(revisions.flush)

    events.subscribe(ClaimDecided, rewards.on_claim_decided)
    events.subscribe(ClaimDecided, plans.on_claim_decided)  # after rewards: it reads the accruals
    events.subscribe(ClaimDecided, bell.on_claim_decided)
    events.subscribe(ClaimApprovalRevoked, rewards.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, plans.on_approval_revoked)
    events.subscribe(ClaimApprovalRevoked, bell.on_approval_revoked)
    events.subscribe(EmailAlreadyInUse, bell.on_email_already_in_use)
    events.subscribe(ClaimDecided, tiers.on_claim_decided)  # after rewards: it counts the accrual just posted
    events.subscribe(ClaimApprovalRevoked, tiers.on_approval_revoked)
    events.subscribe(PeriodClosed, tiers.on_period_closed)
    from portal.gamification import contests, labels as game_labels, services as game
    events.subscribe(ClaimDecided, contests.on_claim_decided)  # after rewards: a points contest reads the accrual
    events.subscribe(ClaimApprovalRevoked, contests.on_approval_revoked)
    game.PANELS.append(("contests/_panel.html", contests.panel))
    from catalog import services as catalog
    from portal.gamification import slots as game_slots
    game_slots.catalog.fill(catalog)
    templating.add(game_labels.register_contests)
    events.subscribe(ClaimDecided, badges.on_claim_decided)  # after rewards and plans
    events.subscribe(ClaimApprovalRevoked, badges.on_approval_revoked)
    events.subscribe(OrderPlaced, badges.on_order_placed)
    events.subscribe(PeriodClosed, badges.on_period_closed)

    auth.accounts.fill(accounts)
    periods_slots.plans.fill(plans)
    claims_slots.estimate.fill(dashboard.estimate)
    rewards_slots.tier_boost.fill(tiers.boost)
    accounts_slots.partner_tiers.fill(tiers.tiers_for)
    catalog_slots.tier_gate.fill(tiers.gate)
    if ("tiers/_panel.html", tiers.panel) not in game.PANELS:
        game.PANELS.append(("tiers/_panel.html", tiers.panel))
    templating.add(game_labels.register_tiers)

    for labels in (accounts_labels, ledger_labels, plans_labels, periods_labels, catalog_labels, scheduler_labels):
        templating.add(labels.register)
    templating.add(game_labels.register_badges)
    if ("_badges.html", badges.panel) not in game.PANELS:
        game.PANELS.append(("_badges.html", badges.panel))
