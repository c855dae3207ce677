"""The Jinja2 environment: i18n, locale-aware filters and role-aware globals.

Templates format money, points and dates only through these filters. Each domain adds its own labels
and filters (a ``register(env)`` in its labels.py), handed over by portal.wiring before the app builds
its environment: the web layer imports no domain.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from portal import i18n
from portal.revisions.services import live_token
from portal.settings import Settings
from portal.web.assets import assets_for

# The domains' register(env) functions, added by portal.wiring.wire(); run by make_environment().
_REGISTRARS: list[Callable[[Environment], None]] = []


def add(registrar: Callable[[Environment], None]) -> None:
    """A domain's labels and filters for every environment made from now on (idempotent)."""
    if registrar not in _REGISTRARS:
        _REGISTRARS.append(registrar)


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


def label(mapping: dict[str, str]):
    """A filter: the translated label of a code (the code itself when it has none)."""

    def translate(code: str | None) -> str:
        if not code:
            return ""
        return _ugettext(mapping.get(code, code))

    return translate


def options(mapping: dict[str, str]):
    """A global: the (code, translated label) pairs of a select."""

    def options() -> list[tuple[str, str]]:
        return [(code, _ugettext(label)) for code, label in mapping.items()]

    return options


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
        period=i18n.format_period,
        datetime=lambda value, fmt="short": i18n.format_datetime(value, tz=tz, fmt=fmt),
    )
    env.globals.update(
        company_name=settings.app.company_name,
        current_locale=i18n.get_locale,
        locales=i18n.SUPPORTED,
        language_name=i18n.language_name,
        Markup=Markup,
        static_url=assets_for(settings.static_dir, settings.app.debug).url,
        live_token=live_token,
    )
    for registrar in _REGISTRARS:
        registrar(env)
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
