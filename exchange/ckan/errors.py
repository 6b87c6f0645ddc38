"""CKAN's error answers: the `__type` strings and status codes its clients (ckanapi) turn back into exceptions.

ckanapi reads `error.__type` and `error.message` only (a Validation Error also carries the field
names as keys, as CKAN's own does), so these strings are CKAN's exactly.
"""


class ActionError(Exception):
    """An action refused; `body()` is the `error` object of CKAN's envelope."""

    status = 400
    error_type = None
    prefix = ""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def body(self):
        error = {"message": f"{self.prefix}{self.message}"}
        if self.error_type:
            error["__type"] = self.error_type
        return error


class NotFound(ActionError):
    status = 404
    error_type = "Not Found Error"
    prefix = "Not found: "


class NotAuthorized(ActionError):
    status = 403
    error_type = "Authorization Error"
    prefix = "Access denied: "


class ValidationFailed(ActionError):
    """A parameter is wrong: `{"__type": "Validation Error", "<field>": ["<why>"]}` as CKAN's validators answer."""

    status = 409
    error_type = "Validation Error"

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field

    def body(self):
        return {"__type": self.error_type, "message": f"{self.field}: {self.message}", self.field: [self.message]}


class SearchQueryError(ActionError):
    """`q`, `fq` or `sort` cannot be read (CKAN says so with a 409)."""

    status = 409
    error_type = "Search Query Error"
    prefix = "Search Query is invalid: "


class BadRequest(ActionError):
    """Not an action call at all: an unknown action, a body that is not a JSON object (CKAN: 400, no __type)."""

    prefix = "Bad request - "


class Throttled(ActionError):
    status = 429
    error_type = "Throttled"
