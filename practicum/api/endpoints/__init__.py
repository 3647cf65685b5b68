"""The API's endpoints, one module per subject. Each calls the same services and forms as the
pages, so no rule is written twice."""

from typing import Annotated

from ninja import Field, Path

from practicum.api.problems import ProblemOut

# Identifiers the database can hold on every backend (and a JSON number can carry exactly).
MAX_ID = 2**53
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Cursor = Annotated[str | None, Field(None, pattern=r"^[A-Za-z0-9_-]{1,300}$")]

ERRORS = frozenset({400, 401, 403, 404, 422, 429})


def responses(ok: dict) -> dict:
    """The success responses of an operation and the problems any operation may answer."""
    return {**ok, ERRORS: ProblemOut}
