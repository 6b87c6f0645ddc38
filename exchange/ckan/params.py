"""An action's data dict, read the way CKAN reads it, and its values checked.

GET calls carry query parameters (strings; a repeated name gives a list); POST calls a JSON object
(typed values) or a form. Unknown keys are ignored, as CKAN ignores them. A value of the wrong type
is a Validation Error naming the key.
"""
import json

from .errors import BadRequest, ValidationFailed

# No count or offset of any action goes past this, whatever the action allows.
INTEGER_LIMIT = 2**31 - 1
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off", ""}


def request_data(request):
    """The call's data dict, or BadRequest when a POST body is not a JSON object."""
    if request.method != "POST":
        return {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {key: values[0] if len(values) == 1 else values for key, values in request.POST.lists()}
    body = request.body
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"JSON Error: {error}") from None
    if not isinstance(data, dict):
        raise BadRequest("JSON Error: the request body must be a JSON object")
    return data


def text(data, name, default=""):
    value = data.get(name, default)
    if value is None:
        return default
    if isinstance(value, (list, dict)):
        raise ValidationFailed(name, "Must be a string")
    return str(value)


def integer(data, name, default, minimum=0, maximum=None):
    """A natural number within [minimum, maximum]; CKAN's "Invalid integer" otherwise."""
    value = data.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool) or isinstance(value, (list, dict, float)):
        raise ValidationFailed(name, "Invalid integer")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationFailed(name, "Invalid integer") from None
    if number < minimum:
        raise ValidationFailed(name, f"Must be a natural number of at least {minimum}")
    maximum = INTEGER_LIMIT if maximum is None else maximum
    if number > maximum:
        raise ValidationFailed(name, f"Must be at most {maximum}")
    return number


def boolean(data, name, default=False):
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValidationFailed(name, "Must be a boolean (true or false)")


def string_list(data, name):
    """A list of strings: a JSON array (given as such or as a JSON string, as GET calls send it), or one string."""
    value = data.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationFailed(name, "Must be a JSON list of strings") from None
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationFailed(name, "Must be a list of strings")
    return value
