"""What a Cachet client sends: JSON or form-encoded bodies, and the query string, as one dict.

Pure Python, no Django. Cachet (Laravel's ``Input``) reads a field from the query string or
the body alike, so scripts put fields in either: the body wins where both have one. A form
field given more than once, or as ``name[]``, is a list; ``name[key]`` builds a dict (Cachet's
``meta[...]``). Bounds: a body of at most ``MAX_BODY`` bytes with at most ``MAX_FIELDS``
fields, nested at most ``MAX_DEPTH`` deep.
"""

import json
from urllib.parse import parse_qsl

from .shapes import InputError

MAX_BODY = 256 * 1024
MAX_FIELDS = 1_000
MAX_DEPTH = 5


class BodyError(InputError):
    """A body that cannot be read at all; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__("body", message)
        self.status = status


def fields(query: str, body: bytes, content_type: str) -> dict[str, object]:
    """The request's fields: the query string's, then the body's over them."""
    found = form_fields(query)
    found.update(body_fields(body, content_type))
    return found


def body_fields(body: bytes, content_type: str) -> dict[str, object]:
    if len(body) > MAX_BODY:
        raise BodyError(f"A body has at most {MAX_BODY} bytes.", status=413)
    if not body.strip():
        return {}
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            return form_fields(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise BodyError("A form body must be UTF-8.") from None
    if kind in ("application/json", "") or kind.endswith("+json"):
        return json_fields(body)
    raise BodyError(
        f"Send JSON (application/json) or a form (application/x-www-form-urlencoded), not {kind[:60]}.",
        status=415,
    )


def json_fields(body: bytes) -> dict[str, object]:
    try:
        found = json.loads(body)
    except (ValueError, RecursionError):
        raise BodyError("The body is not valid JSON.") from None
    if not isinstance(found, dict):
        raise BodyError("The body must be a JSON object of fields.")
    if len(found) > MAX_FIELDS or _depth(found) > MAX_DEPTH:
        raise BodyError(f"A body has at most {MAX_FIELDS} fields, nested {MAX_DEPTH} deep.")
    return found


def form_fields(encoded: str) -> dict[str, object]:
    """A form or query string as fields: repeated keys and ``key[]`` make lists, ``key[sub]`` dicts."""
    try:
        pairs = parse_qsl(encoded, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise BodyError(f"A form has at most {MAX_FIELDS} fields.") from None
    found: dict[str, object] = {}
    for key, value in pairs:
        name, _, rest = key.partition("[")
        if not rest:
            _add(found, name, value, repeated=name in found)
        elif rest == "]":
            _add(found, name, value, repeated=True)
        elif rest.endswith("]") and "[" not in rest:
            nested = found.get(name)
            if not isinstance(nested, dict):
                nested = found[name] = {}
            nested[rest[:-1]] = value
        else:
            found[key] = value
    return found


def _add(found: dict, name: str, value: str, *, repeated: bool) -> None:
    if not repeated:
        found[name] = value
        return
    current = found.get(name)
    if isinstance(current, list):
        current.append(value)
    elif current is None:
        found[name] = [value]
    else:
        found[name] = [current, value]


def _depth(value: object, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def id_list(value: object, field: str, limit: int) -> list[int] | None:
    """A list of ids from a JSON list, repeated form keys, or ``"1,2,3"``; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise InputError(field, "must be a list of ids.")
    if len(value) > limit:
        raise InputError(field, f"has at most {limit} ids.")
    ids = []
    for item in value:
        text = (
            str(item).strip() if isinstance(item, str | int) and not isinstance(item, bool) else ""
        )
        if not text.isdigit() or len(text) > 18:
            raise InputError(field, f"'{str(item)[:40]}' is not an id.")
        ids.append(int(text))
    return ids
