"""The audit log viewer (admins)."""

from __future__ import annotations


from litestar import Controller
from litestar.params import FromQuery


from portal.web.responses import Page
from litestar import get
from portal.audit import services
from portal.web.auth import admin
from portal.web.helpers import page_number


class AuditController(Controller):
    include_in_schema = False
    path = "/admin/audit"
    guards = [admin]

    @get("/", name="audit_log")
    async def index(self, action: FromQuery[str] = "", object_type: FromQuery[str] = "", actor: FromQuery[str] = "",
                    page: FromQuery[str] = "1") -> Page:
        result = await services.list_entries(action=action, object_type=object_type, actor=actor,
                                             page=page_number(page))
        return Page("admin/audit.html", context={
            "result": result, "action": action, "object_type": object_type, "actor": actor})
