"""The API's endpoints, one module per subject. Each calls the same services and forms as the
pages, so no rule is written twice."""

from practicum.api.problems import ProblemOut

ERRORS = frozenset({400, 401, 403, 404, 422, 429})


def responses(ok: dict) -> dict:
    """The success responses of an operation and the problems any operation may answer."""
    return {**ok, ERRORS: ProblemOut}
