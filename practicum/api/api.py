"""The public REST API, version 1: one NinjaAPI, its routers, its errors and its document."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger

from practicum.api import problems
from practicum.api.endpoints import credentials, frameworks, institutions, records, staff

DESCRIPTION = """Practicum's REST API. Authenticate with a personal access token created on
your account page (`Authorization: Bearer prt_…`); each token holds scopes and is limited to
a number of requests a minute. The site's own pages may call it with their session (and the
CSRF token on writes). Errors are RFC 9457 problem details (`application/problem+json`); every
list is paginated with an opaque `cursor` (follow `next_cursor` until it is null)."""


class PracticumAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Problems are served as application/problem+json: say so in the document."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        return schema


api = PracticumAPI(
    title="Practicum API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", records.router)
api.add_router("", credentials.router)
api.add_router("", frameworks.router)
api.add_router("", staff.router)
api.add_router("", institutions.router)

TITLE = _("Practicum API")
