"""Errors as RFC 9457 problem details (application/problem+json)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818 - it is the name the RFC gives
    def __init__(self, status: int, title: str, detail: str = "", *, errors=None, headers=None):
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors
        self.headers = headers or {}


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict] | None = None


def render(api, request: HttpRequest, problem: Problem) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = api.create_response(request, body, status=problem.status)
    response["Content-Type"] = MEDIA_TYPE
    for name, value in problem.headers.items():
        response[name] = value
    return response


def _field_errors(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        message = error.get("msg", "")
        if error.get("type") == "extra_forbidden":
            message = _("This field cannot be set through the API.")
        out.append({"field": ".".join(location), "message": message})
    return out


def install(api) -> None:
    api.add_exception_handler(Problem, lambda request, exc: render(api, request, exc))

    def on_validation(request, exc: ValidationError):
        return render(
            api,
            request,
            Problem(
                422,
                _("Invalid request"),
                _("Some values are missing or not valid."),
                errors=_field_errors(exc.errors),
            ),
        )

    def on_service_refusal(request, exc: DjangoValidationError):
        errors = [{"field": f, "message": m} for f, m in _django_errors(exc)]
        detail = " ".join(exc.messages)
        return render(api, request, Problem(422, _("Refused"), detail, errors=errors))

    def on_auth(request, exc):
        return render(
            api,
            request,
            Problem(
                401,
                _("Not authenticated"),
                _("Send a personal access token: Authorization: Bearer <token>."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            ),
        )

    def on_http(request, exc: HttpError):
        return render(api, request, Problem(exc.status_code, str(exc), ""))

    def on_404(request, exc):
        return render(api, request, Problem(404, _("Not found"), ""))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_service_refusal)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)


def _django_errors(exc: DjangoValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in exc.messages]
