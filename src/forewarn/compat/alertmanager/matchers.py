"""Label matchers as Alertmanager writes them: ``service="voice", severity=~"critical|page"``.

Pure Python, no Django.

Four operators, as in Alertmanager's routes and silences: ``=`` (equal), ``!=`` (not equal),
``=~`` (the regular expression matches the whole value), ``!~`` (it does not). A label that
is absent counts as the empty string. Matchers are comma-separated and may be wrapped in
braces; values are double-quoted (with ``\\"`` and ``\\\\`` escapes) or bare words.
"""

import re
from dataclasses import dataclass

MAX_TEXT = 2_000
_MATCHER = re.compile(
    r"""\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>=~|!~|!=|=)\s*
        (?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^,"\s}]+))\s*""",
    re.VERBOSE,
)


class MatcherError(ValueError):
    """Matchers that cannot be read; the message says where."""


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str

    def matches(self, labels: dict[str, str]) -> bool:
        found = labels.get(self.name, "")
        if self.op == "=":
            return found == self.value
        if self.op == "!=":
            return found != self.value
        hit = re.fullmatch(self.value, found) is not None
        return hit if self.op == "=~" else not hit

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op}"{escaped}"'


def parse(text: str) -> tuple[Matcher, ...]:
    """The matchers in ``text``; an empty text matches every alert. MatcherError if unreadable."""
    if len(text) > MAX_TEXT:
        raise MatcherError(f"At most {MAX_TEXT} characters of matchers.")
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    found, at = [], 0
    while at < len(body):
        match = _MATCHER.match(body, at)
        if match is None:
            raise MatcherError(
                f'Cannot read a matcher at “{body[at : at + 30]}”: write name="value", '
                'name!="value", name=~"regex" or name!~"regex", separated by commas.'
            )
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        value = re.sub(r"\\(.)", r"\1", value) if match["quoted"] is not None else value
        if match["op"] in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as error:
                raise MatcherError(
                    f"{match['name']}: “{value}” is not a regular expression ({error})."
                ) from None
        found.append(Matcher(match["name"], match["op"], value))
        at = match.end()
        if at < len(body):
            if body[at] != ",":
                raise MatcherError(f"Expected a comma after {found[-1]}.")
            at += 1
    return tuple(found)


def matches_all(matchers: tuple[Matcher, ...], labels: dict[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)
