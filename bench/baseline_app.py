"""The bare-framework baseline: a trivial Litestar Jinja page, no database, no middleware."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

TEMPLATES = Path(__file__).resolve().parent / "templates"


@get("/")
async def page() -> Template:
    return Template("baseline.html", context={"title": "Baseline", "items": list(range(10))})


@get("/healthz")
async def health() -> dict:
    return {"status": "ok"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[page, health],
                    template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine))
