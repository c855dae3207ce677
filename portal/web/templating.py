"""The Jinja2 environment: i18n, locale-aware filters and role-aware globals.

Templates format money, points and dates only through these filters.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from portal import i18n
from portal.accounts.regions import REGIONS
from portal.accounts.roles import PartnerType, Role
from portal.accounts.services import PARTNER_STATUS_LABELS
from portal.ledger import present
from portal.plans import present as plan_present
from portal.settings import Settings

ROLE_LABELS = {
    Role.PARTNER_STAFF.value: i18n.N_("Partner staff"),
    Role.PARTNER_ADMIN.value: i18n.N_("Partner administrator"),
    Role.MANAGER.value: i18n.N_("Manager"),
    Role.FINANCE.value: i18n.N_("Finance"),
    Role.ADMIN.value: i18n.N_("Administrator"),
}

PARTNER_TYPE_LABELS = {
    PartnerType.DEALER.value: i18n.N_("Dealer"),
    PartnerType.INSTALLER.value: i18n.N_("Installer"),
}


def _ugettext(message: str) -> str:
    return i18n.translations(i18n.get_locale()).ugettext(message)


def _ungettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.get_locale()).ungettext(singular, plural, n)


def _tr(message: str, **params: object) -> str:
    text = i18n.translations(i18n.get_locale()).ugettext(message)
    return text % params if params else text


def _ntr(singular: str, plural: str, n: int, **params: object) -> str:
    text = i18n.translations(i18n.get_locale()).ungettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def _label(mapping: dict[str, str]):
    def translate(code: str | None) -> str:
        if not code:
            return ""
        return _ugettext(mapping.get(code, code))

    return translate


def _options(mapping: dict[str, str]):
    def options() -> list[tuple[str, str]]:
        return [(code, _ugettext(label)) for code, label in mapping.items()]

    return options


def _order_statuses() -> dict[str, str]:
    from catalog.services import STATUS_LABELS

    return STATUS_LABELS


def _period_labels() -> tuple[dict, dict, dict, dict, dict]:
    from portal.periods.payouts import LINE_LABELS
    from portal.periods.services import CLOSE_STAGE_LABELS, STATUS_LABELS
    from scheduler.jobs import JOB_LABELS, RUN_LABELS

    return STATUS_LABELS, CLOSE_STAGE_LABELS, LINE_LABELS, JOB_LABELS, RUN_LABELS


def _job_result(stored: str) -> str:
    from scheduler.jobs import summary_text

    return summary_text(stored)


def make_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(settings.templates_dir),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined if settings.app.debug else Environment().undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.app.debug,
    )
    # Plain functions rather than jinja2.ext.i18n's "newstyle" wrappers, which cost ~35 µs a call
    # (a list page makes hundreds). The result is a str, so autoescaping still escapes it,
    # parameters included. Babel's extractor finds _(), gettext() and ngettext() all the same.
    env.globals.update(_=_tr, gettext=_tr, ngettext=_ntr)
    tz = settings.app.timezone
    env.filters.update(
        money=i18n.format_money,
        points=i18n.format_points,
        number=i18n.format_number,
        date=i18n.format_date,
        datetime=lambda value, fmt="short": i18n.format_datetime(value, tz=tz, fmt=fmt),
        region=_label(REGIONS),
        role=_label(ROLE_LABELS),
        partner_type=_label(PARTNER_TYPE_LABELS),
        partner_status=_label(PARTNER_STATUS_LABELS),
    )
    env.globals.update(
        company_name=settings.app.company_name,
        current_locale=i18n.get_locale,
        locales=i18n.SUPPORTED,
        language_name=i18n.language_name,
        REGIONS=REGIONS,
        ROLE_LABELS=ROLE_LABELS,
        PARTNER_TYPE_LABELS=PARTNER_TYPE_LABELS,
        PARTNER_STATUS_LABELS=PARTNER_STATUS_LABELS,
        Markup=Markup,
        region_options=_options(REGIONS),
        partner_type_options=_options(PARTNER_TYPE_LABELS),
        role_options=_options(ROLE_LABELS),
        partner_status_options=_options(PARTNER_STATUS_LABELS),
        explain=present.explain,
        signed=present.signed,
        amount_text=present.amount_text,
        kind_labels=present.KIND_LABELS,
        metric_label=plan_present.metric_label,
        measure=plan_present.measure,
        bonus_text=plan_present.bonus,
        pct=plan_present.pct,
        to_go=plan_present.to_go,
        METRIC_LABELS=plan_present.METRIC_LABELS,
        SCOPE_LABELS=plan_present.SCOPE_LABELS,
        order_status_labels=_order_statuses(),
        period_status_labels=_period_labels()[0],
        close_stage_labels=_period_labels()[1],
        payout_labels=_period_labels()[2],
        job_labels=_period_labels()[3],
        job_status_labels=_period_labels()[4],
        job_result=_job_result,
    )
    env.globals.update(nav_html=_kept(env, "_nav.html", "role"), lang_buttons=_kept(env, "_lang.html"))
    return env


def _kept(env: Environment, template: str, param: str = ""):
    """A page fragment that depends only on the language (and one parameter): rendered once, then reused.

    The navigation and the language switch are on every page; rendering them each time cost more than
    some whole pages. Parameters are few (roles), so the store stays small.
    """
    store: dict[tuple[str, str], Markup] = {}

    def render(value: str = "") -> Markup:
        key = (i18n.get_locale(), value)
        html = store.get(key)
        if html is None:
            html = store[key] = Markup(env.get_template(template).render({param: value} if param else {}))
        return html

    return render


def make_engine(settings: Settings) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(make_environment(settings))
