"""Application factory: wires plugins, middleware and routers. No business logic here."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from portal.accounts.admin_routes import AdminPartnersController, AdminTokensController, AdminUsersController
from portal.accounts.routes import (
    AccountController,
    AuthController,
    InvitationController,
    PartnerReviewController,
    RegistrationController,
    TeamController,
)
from portal.api.routes import api_router
from portal.claims.routes import ClaimsController, ItemSearchController, PhotoController, ReviewController
from portal.notifications.routes import NotificationsController
from portal.products.routes import JobTypesController, ProductsController
from portal.ledger.routes import AdjustmentsController, PointsController
from portal.rewards.routes import RewardRulesController
from portal.gamification.routes_tiers import EngagementController, TierAdminController
from portal.gamification.routes_badges import BadgePanelController, BadgeRulesController, BadgeShelfController
from catalog.routes import (CatalogController, OrderQueueController, PrizeAdminController,
                            PrizeMediaController)
from portal.periods.routes import FinanceController, PartnerActsController
from scheduler.routes import JobsController
from portal.plans.routes import FulfilmentController, PartnerPlanController, PlansController
from portal.gamification.routes_contests import ContestsController, PartnerContestsController
from portal.wiring import wire
from portal.audit.routes import AuditController
from portal.dashboard.routes import DashboardController, LiveController
from portal.gamification.routes_leagues import LeaderboardController
from portal.gamification.routes_panels import GamePanelsController
from portal.imports.routes import ImportJobsController
from portal.db import engine, is_sqlite, prepare_sqlite
from portal.settings import Settings, get_settings
from portal.web.auth import AuthMiddleware
from portal.web.errors import HANDLERS
from portal.web.input import InputMiddleware
from portal.web.requests import PortalRequest
from portal.web.sessions import csrf_cookie_name, session_cookie_name
from portal.web.compression import compression_config
from portal.health.routes import MetricsController, prometheus_config, ready
from portal.web.security import security_headers
from portal.web.assets import assets_for
from portal.web.pwa import PwaController
from portal.web.templating import make_engine


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    wire()

    scheduler_holder: dict = {}

    async def on_startup() -> None:
        # The cyclic garbage collector's first generation runs after 700 net new objects (CPython's
        # default). With dozens of requests in flight, each holding a few hundred objects, that was
        # ~150 collections a second, each promoting the live requests' objects, which then set off full
        # collections of the whole heap: ~80 ms pauses (the p99 of every page) and a tenth of the CPU.
        # Requests leave no cyclic garbage (portal.web.requests), so collecting seldom costs nothing.
        gc.set_threshold(10_000, 10, 10)
        # What exists at startup (modules, templates, caches) lives as long as the process: frozen, a full
        # collection no longer walks it. A full collection stops every thread; set off by a big import's
        # allocations (on an off-loop thread) it walked ~160k objects and froze the pages for 0.3-0.5 s.
        gc.freeze()
        db = engine()
        if is_sqlite():
            await prepare_sqlite(db.path)
        elif settings.db.pool:
            await db.start_connection_pool()
        if settings.app.scheduler_in_app:  # every worker tries; one holds the leader lock and runs the jobs
            from scheduler.runner import Scheduler

            scheduler_holder["s"] = Scheduler()
            scheduler_holder["s"].start()

    async def on_shutdown() -> None:
        gc.unfreeze()  # a test process starts and stops the app many times: let the collector have it back
        if "s" in scheduler_holder:
            await scheduler_holder.pop("s").stop()
        db = engine()
        if is_sqlite():
            await db.close_pool()
        elif settings.db.pool:
            await db.close_connection_pool()

    static = create_static_files_router(
        path="/static",
        directories=[settings.static_dir],
        name="static",
        include_in_schema=False,
        cache_control=None,
    )

    return Litestar(
        route_handlers=[
            DashboardController,
            BadgeShelfController,
            BadgePanelController,
            BadgeRulesController,
            AuthController,
            AccountController,
            RegistrationController,
            InvitationController,
            TeamController,
            PartnerReviewController,
            AdminPartnersController,
            AdminUsersController,
            AdminTokensController,
            AuditController,
            ProductsController,
            JobTypesController,
            ItemSearchController,
            ClaimsController,
            ReviewController,
            PhotoController,
            NotificationsController,
            PointsController,
            AdjustmentsController,
            RewardRulesController,
            TierAdminController,
            EngagementController,
            PlansController,
            FulfilmentController,
            PartnerPlanController,
            CatalogController,
            PrizeMediaController,
            PrizeAdminController,
            OrderQueueController,
            FinanceController,
            PartnerActsController,
            JobsController,
            ImportJobsController,
            ContestsController,
            PartnerContestsController,
            LeaderboardController,
            GamePanelsController,
            api_router,
            static,
            ready,
            MetricsController,
            LiveController,
            PwaController,
        ],
        # Litestar 2.25 compares the Host header with its port (upstream issue 4869): a server reached on a
        # port other than 80/443 lists "name:port" too (tests/web/test_security.py notices a fix upstream).
        allowed_hosts=AllowedHostsConfig(allowed_hosts=settings.security.allowed_hosts, www_redirect=False),
        middleware=[*([prometheus_config().middleware] if settings.app.metrics else []),
                    AuthMiddleware(session_cookie_name(settings)),
                    InputMiddleware()],
        compression_config=compression_config() if settings.app.compression else None,
        csrf_config=CSRFConfig(
            secret=settings.security.secret_key,
            cookie_secure=settings.security.cookie_secure,
            cookie_httponly=True,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            cookie_name=csrf_cookie_name(settings),  # "__Host-csrftoken" when secure (portal/web/sessions.py)
            exclude=["/api/"],
        ),
        template_config=TemplateConfig(instance=make_engine(settings)),
        plugins=[HTMXPlugin()],
        request_class=PortalRequest,  # an HTMXRequest
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(
            title="Premia API",
            version="1",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}
            ),
        ),
        before_send=[security_headers(hsts=settings.security.cookie_secure),
                     assets_for(settings.static_dir, settings.app.debug).before_send()],
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        state=State({"settings": settings}),
        debug=settings.app.debug,
    )
