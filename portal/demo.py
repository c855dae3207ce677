"""Demo data: partners in several regions and one user of each role.

Idempotent by natural keys (INN, email): running it twice changes nothing.
Goes through the same services as the web, so every row is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts import services as accounts
from portal.accounts.forms import PartnerForm, RegistrationForm, UserForm
from portal.accounts.inn import make_inn10
from portal.accounts.roles import Role
from portal.accounts.tables import Partner, User
from portal.audit.services import SYSTEM

DEMO_PASSWORD = "premia-demo-2026"

_CITIES = [
    ("central", "Москва"), ("north_west", "Санкт-Петербург"), ("south", "Краснодар"), ("volga", "Казань"),
    ("ural", "Екатеринбург"), ("siberia", "Новосибирск"), ("far_east", "Владивосток"),
    ("north_caucasus", "Ставрополь"), ("volga", "Нижний Новгород"), ("central", "Воронеж"),
]
_NAMES = [
    "Тепломаркет", "Котельные системы", "ТермоСервис", "Уют-Монтаж", "Газовик", "Северное тепло",
    "ЭнергоДом", "АкваТерм", "Климат-Про", "ТеплоЛюкс", "Радиатор-Центр", "МонтажГрупп", "Домашний котёл",
    "ТеплоСтрой", "ИнжТехСервис", "Горячая вода", "ТермоЛайн", "Котлы и колонки", "ТеплоВектор", "Пламя",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    note: str


def _partner_form(i: int) -> PartnerForm:
    region, city = _CITIES[i % len(_CITIES)]
    kind = "installer" if i % 3 == 2 else "dealer"
    return PartnerForm(
        legal_name=f"ООО «{_NAMES[i]}»",
        inn=make_inn10(f"77{i + 1:02d}{(i * 7919) % 100000:05d}"),
        region=region,
        partner_type=kind,
        address=f"г. {city}, ул. Промышленная, д. {i + 1}",
        phone=f"+7 900 000-{i + 10:02d}-{i + 20:02d}",
        email=f"office{i + 1}@partner{i + 1}.example",
        bank_name="ПАО «Демобанк»" if i % 4 else "",
        bik="044525000" if i % 4 else "",
        settlement_account=f"407028100000000{i + 1:05d}" if i % 4 else "",
    )


async def _ensure_partner(form: PartnerForm) -> int:
    row = await Partner.select(Partner.id).where(Partner.inn == form.inn).first()
    if row:
        return row["id"]
    return await accounts.create_partner(SYSTEM, form)


async def _ensure_user(email: str, full_name: str, role: Role, partner_id: int | None) -> None:
    if await User.exists().where(User.email == email):
        return
    await accounts.create_user(SYSTEM, UserForm(email=email, full_name=full_name, role=role.value,
                                                partner_id=partner_id, password=DEMO_PASSWORD))


_PRODUCTS = [
    ("TT-K24", "Котёл настенный «Термо» 24 кВт", "boilers", "45 990,00", r"TT-\d{6}"),
    ("TT-K32", "Котёл настенный «Термо» 32 кВт", "boilers", "58 490,00", r"TT-\d{6}"),
    ("TT-F40", "Котёл напольный «Термо Гранд» 40 кВт", "boilers", "124 900,00", r"TG-\d{6}"),
    ("TT-B100", "Бойлер косвенного нагрева 100 л", "water_heaters", "32 400,00", r"TB-\d{6}"),
    ("TT-B200", "Бойлер косвенного нагрева 200 л", "water_heaters", "46 700,00", r"TB-\d{6}"),
    ("TT-R500", "Радиатор алюминиевый 500/10", "radiators", "6 990,00", ""),
    ("TT-P12", "Насос циркуляционный 25-60", "pumps", "8 450,00", ""),
    ("TT-C01", "Комнатный термостат Wi-Fi", "controls", "5 290,00", ""),
]
_JOBS = [("INSTALL-BOILER", "Монтаж котла"), ("SERVICE-VISIT", "Сервисный выезд"),
         ("COMMISSIONING", "Пусконаладка котельной")]


async def _ensure_catalogue() -> None:
    from portal.products import services as products
    from portal.products.tables import JobType

    for sku, name, category, price, pattern in _PRODUCTS:
        await products.save_product(SYSTEM, products.ProductData.parse(
            {"sku": sku, "name": name, "category": category, "unit_price": price, "serial_pattern": pattern}))
    for code, name in _JOBS:
        if not await JobType.exists().where(JobType.code == code):
            await products.create_job_type(SYSTEM, code, name)


async def _ensure_rules() -> None:
    """Boilers earn points per unit, water heaters a percentage, installations a fixed sum, dealers cash."""
    from portal.rewards import services as rewards
    from portal.rewards.tables import RewardRule

    rules = [
        {"name": "Котлы: баллы за штуку", "scope": "category", "scope_value": "boilers", "kind": "per_unit",
         "value": "300", "unit": "points"},
        {"name": "Бойлеры: 2% баллами", "scope": "category", "scope_value": "water_heaters", "kind": "percent",
         "value": "200", "unit": "points"},
        {"name": "Прочее оборудование", "scope": "all", "kind": "per_unit", "value": "20", "unit": "points"},
        {"name": "Бонус дилеру: 1% деньгами", "scope": "all", "kind": "percent", "value": "100", "unit": "kop"},
    ]
    for rule in rules:
        if not await RewardRule.exists().where(RewardRule.name == rule["name"]):
            await rewards.save_rule(SYSTEM, rewards.RuleData.parse({**rule, "valid_from": "2026-01-01"}))


async def _ensure_claims() -> None:
    """A few registrations from the demo dealer, so the review queue has work in it."""
    import datetime as dt

    from portal.accounts.services import user_for_session
    from portal.claims import services as claims
    from portal.db import company_today
    from portal.products.tables import Product

    staff = await User.select(User.id).where(User.email == "staff@premia.example").first()
    actor = await user_for_session(staff["id"])
    products = {p["sku"]: p["id"] for p in await Product.select(Product.id, Product.sku)}
    today = company_today()
    samples = [("TT-K24", "TT-100001", "45 990,00", 1), ("TT-B100", "TB-200001", "32 400,00", 2),
               ("TT-R500", "", "69 900,00", 3), ("TT-K32", "TT-100002", "58 490,00", 5)]
    for n, (sku, serial, amount, days_ago) in enumerate(samples, start=1):
        await claims.submit(actor, {
            "idempotency_key": f"demo-claim-{n:012d}", "item": f"p:{products[sku]}",
            "quantity": "10" if sku == "TT-R500" else "1", "serials": serial,
            "sold_on": (today - dt.timedelta(days=days_ago)).isoformat(), "amount": amount,
            "customer_city": "Москва"}, [])
    # Last month's sales, approved below and closed, so finance has acts and a payout register to look at.
    from portal.periods.services import current_span

    last_month = current_span(today).previous()
    for n, (sku, serial, amount) in enumerate([("TT-K24", "TT-100090", "45 990,00"), ("TT-K32", "TT-100091",
                                                 "58 490,00"), ("TT-B100", "TB-200090", "32 400,00")], start=90):
        await claims.submit(actor, {
            "idempotency_key": f"demo-claim-{n:012d}", "item": f"p:{products[sku]}", "quantity": "1",
            "serials": serial, "sold_on": (last_month.starts_on + dt.timedelta(days=n - 80)).isoformat(),
            "amount": amount, "customer_city": "Казань"}, [])
    # The manager has approved the two oldest, so the dealer's dashboard shows points from the start.
    from portal.claims.tables import Claim
    from portal.errors import DomainError

    manager = await user_for_session((await User.select(User.id).where(
        User.email == "manager@premia.example").first())["id"])
    for row in await Claim.select(Claim.id).where(Claim.idempotency_key.is_in(
            ["demo-claim-000000000003", "demo-claim-000000000004", "demo-claim-000000000090",
             "demo-claim-000000000091", "demo-claim-000000000092"])):
        try:
            await claims.decide(manager, row["id"], "approve")
        except DomainError:
            pass  # approved on an earlier run


async def _ensure_plans() -> None:
    """This period's plan for every active partner: boilers in units (points bonus, accelerator at 120 %)
    and revenue (a cash bonus), so the dashboards and the manager table have something to show."""
    from portal.periods.services import current_span
    from portal.plans import services as plans
    from portal.plans.forms import PlanData
    from portal.plans.tables import Plan

    code = current_span().code
    if await Plan.exists().where(Plan.period == code):
        return
    await plans.copy_plan(SYSTEM, PlanData.parse({
        "name": "План продаж", "period": code, "audience": "copy",
        "t0_name": "Котлы", "t0_metric": "units", "t0_scope": "category", "t0_scope_value": "boilers",
        "t0_goal": "10", "t0_bonus_unit": "points", "t0_s0_pct": "80", "t0_s0_bonus": "1000",
        "t0_s1_pct": "100", "t0_s1_bonus": "3000", "t0_s2_pct": "120", "t0_s2_bonus": "3000", "t0_s2_mult": "1,2",
        "t1_name": "Выручка", "t1_metric": "revenue", "t1_scope": "all", "t1_goal": "500 000",
        "t1_bonus_unit": "kop", "t1_s0_pct": "100", "t1_s0_bonus": "10 000"}))


_PRIZES = [
    ("CAP-01", "Мерч", "Фирменная кепка", 600, "S: 20\nM: 30\nL: 20", "#0b6bcb"),
    ("HOOD-01", "Мерч", "Худи с логотипом", 2500, "S: 5\nM: 10\nL: 10\nXL: 5", "#1e7f4f"),
    ("MUG-01", "Мерч", "Термокружка", 1200, "", "#c0362c"),
    ("DRILL-01", "Инструмент", "Шуруповёрт аккумуляторный", 9000, "", "#a15c00"),
    ("KIT-01", "Инструмент", "Набор ключей для монтажника", 4500, "", "#5f6b7a"),
    ("KETTLE-01", "Техника", "Электрочайник", 3500, "", "#6d28d9"),
    ("TRIP-01", "Путешествия", "Поездка на завод в Калугу", 40000, "", "#0f766e"),
]


async def _ensure_prizes(dealer_partner_id: int) -> None:
    """A small catalogue with pictures drawn here (no files shipped), and welcome points for the demo dealer."""
    import io

    from PIL import Image, ImageDraw

    from catalog import services as catalog
    from catalog.forms import PrizeData
    from catalog.tables import Prize, PrizeImage
    from portal.ledger import services as ledger

    for n, (code, category, name, points, variants, color) in enumerate(_PRIZES):
        if await Prize.exists().where(Prize.code == code):
            continue
        prize_id, _created = await catalog.save_prize(SYSTEM, PrizeData.parse({
            "code": code, "category": category, "name": name, "points": str(points), "variants": variants,
            "stock": "" if variants else "25", "position": str(n * 10),
            "description": f"**{name}** — приз программы «Премия».\n\nДоставка по России за наш счёт."}))
        if not await PrizeImage.exists().where(PrizeImage.prize == prize_id):
            image = Image.new("RGB", (800, 800), color)
            ImageDraw.Draw(image).ellipse((200, 200, 600, 600), fill="#ffffff")
            buf = io.BytesIO()
            image.save(buf, "PNG")
            await catalog.add_images(SYSTEM, prize_id, [buf.getvalue()])
    await ledger.adjust(dealer_partner_id, "points", 5000, "Приветственные баллы демо-версии", None,
                        cause="demo:welcome-points")


async def _ensure_tiers() -> None:
    """The default tier ladder stored (so the admin's page edits it), and one prize for Gold and above."""
    from catalog import services as catalog
    from catalog.forms import PrizeData
    from catalog.tables import Prize
    from portal.db import write_transaction
    from portal.gamification import tiers

    async with write_transaction():
        await tiers.ensure_ladder()
    if not await Prize.exists().where(Prize.code == "GOLD-TRIP"):
        await catalog.save_prize(SYSTEM, PrizeData.parse({
            "code": "GOLD-TRIP", "category": "Путешествия", "name": "Поездка на завод для двоих", "points": "40000",
            "stock": "5", "min_tier": "gold", "position": "900",
            "description": "Приз для партнёров уровня «Золото» и выше."}))


async def _close_last_month() -> None:
    """Last month closed: acts for the demo dealer and a payout register (a no-op once closed)."""
    from portal.periods.close import close_period
    from portal.periods.services import current_span

    await close_period(current_span().previous().code, SYSTEM)


async def _ensure_contests() -> None:
    """A contest running this month (the demo's approvals count in it) and a draft for next month."""
    from portal.gamification import contests
    from portal.gamification.tables import Contest
    from portal.periods.services import current_span

    span = current_span()
    if await Contest.exists().where(Contest.name == "Котлы месяца"):
        return
    running = await contests.create(SYSTEM, contests.ContestData(
        name="Котлы месяца", description="Зарегистрируйте 5 котлов за месяц — 3 000 баллов каждому. "
        "Тройка лидеров получает ещё 20 000 и 10 000 баллов и 5 000 ₽.", starts_on=span.starts_on, ends_on=span.ends_on,
        metric="units", scope="category", scope_value="boilers", threshold=5, threshold_unit="points",
        threshold_amount=3_000,
        places=(("points", 20_000), ("points", 10_000), ("kop", 500_000))))
    await contests.start(SYSTEM, running)
    following = span.next()
    await contests.create(SYSTEM, contests.ContestData(
        name="Выручка монтажников", description="Для монтажных организаций: кто больше заработает баллов.",
        starts_on=following.starts_on, ends_on=following.ends_on, types=("installer",), metric="points",
        places=(("points", 15_000), ("points", 7_500))))
async def _ensure_badges() -> None:
    """Built-in badge examples, one per condition kind (the demo approvals below already earn a few)."""
    from portal.gamification import badges
    from portal.gamification.tables import BadgeRule

    examples = [
        ("first_sale", "Первая продажа", "First sale", "sales", 1, "all", "", 100, "circle", "#2e7d32", "check"),
        ("ten_sales", "Десятка", "Ten sales", "sales", 10, "all", "", 500, "star", "#d4a017", "star"),
        ("boiler_pro", "Мастер котлов", "Boiler pro", "sales", 5, "category", "boilers", 300, "shield", "#c62828",
         "flame"),
        ("new_line", "Новая линейка", "New line", "new_line", 1, "category", "", 150, "hexagon", "#6a1b9a", "leaf"),
        ("tidy_five", "Аккуратист", "Tidy paperwork", "complete", 5, "all", "", 200, "circle", "#00838f",
         "camera"),
        ("streak_four", "Четыре недели подряд", "Four weeks in a row", "streak", 4, "all", "", 400, "star",
         "#ef6c00", "bolt"),
        ("plan_twice", "План дважды подряд", "Plan met twice in a row", "plan_streak", 2, "all", "", 1000,
         "shield", "#1565c0", "trophy"),
        ("first_prize", "Первый приз", "First prize", "first_order", 1, "all", "", 0, "hexagon", "#ad1457", "gift"),
    ]
    for position, (code, ru, en, kind, n, scope, value, points, shape, colour, glyph) in enumerate(examples):
        if not await BadgeRule.exists().where(BadgeRule.code == code):
            await badges.save_rule(SYSTEM, badges.RuleData.parse({
                "code": code, "name_ru": ru, "name_en": en, "kind": kind, "n": str(n), "scope": scope,
                "value": value, "reward_points": str(points), "shape": shape, "colour": colour, "glyph": glyph,
                "active": "1", "position": str(position)}))
async def _ensure_leagues(active_ids: list[int]) -> None:
    """Leagues of six for the current season (three leagues of the 18 demo partners); a few partners appear on
    the boards by name, the rest as "Dealer No. …"."""
    from portal.gamification import board, leagues
    from portal.gamification.tables import LeagueRules

    if not await LeagueRules.exists():
        await LeagueRules.insert(LeagueRules(division_size=6, move=2))
    await leagues.seed_season()
    for partner_id in active_ids[:18:3]:
        await board.set_show_name(SYSTEM, partner_id, True)


async def load_demo() -> list[DemoLogin]:
    active_ids = [await _ensure_partner(_partner_form(i)) for i in range(18)]
    # Two companies that applied themselves and wait for a manager.
    for i in (18, 19):
        form = _partner_form(i)
        if not await Partner.exists().where(Partner.inn == form.inn):
            await accounts.register_partner(RegistrationForm(
                partner=form, contact_name=f"Заявитель {i + 1}", contact_email=f"applicant{i + 1}@partner.example",
                password=DEMO_PASSWORD))

    await _ensure_catalogue()
    await _ensure_user("admin@premia.example", "Анна Админова", Role.ADMIN, None)
    await _ensure_user("manager@premia.example", "Михаил Менеджеров", Role.MANAGER, None)
    await _ensure_user("finance@premia.example", "Фаина Финансова", Role.FINANCE, None)
    await _ensure_user("dealer@premia.example", "Дмитрий Дилеров", Role.PARTNER_ADMIN, active_ids[0])
    await _ensure_user("staff@premia.example", "Сергей Продавцов", Role.PARTNER_STAFF, active_ids[0])
    await _ensure_user("installer@premia.example", "Игорь Монтажников", Role.PARTNER_ADMIN, active_ids[2])
    await _ensure_rules()
    await _ensure_plans()
    await _ensure_contests()
    await _ensure_badges()
    await _ensure_claims()
    await _ensure_prizes(active_ids[0])
    await _ensure_tiers()
    await _close_last_month()
    await _ensure_leagues(active_ids)
    return [
        DemoLogin("admin", "admin@premia.example", "администратор программы"),
        DemoLogin("manager", "manager@premia.example", "менеджер: заявки партнёров, проверка продаж"),
        DemoLogin("finance", "finance@premia.example", "финансы: периоды, акты, выплаты"),
        DemoLogin("partner_admin", "dealer@premia.example", f"администратор дилера {_NAMES[0]}"),
        DemoLogin("partner_staff", "staff@premia.example", f"сотрудник дилера {_NAMES[0]}"),
        DemoLogin("partner_admin", "installer@premia.example", f"администратор монтажной организации {_NAMES[2]}"),
    ]
