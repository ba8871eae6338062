"""Pure Python, no Django. Which policy applies to each client organization a work affects.

A policy may be limited to named organizations or to plans (seed 003: "Applies to:
Enterprise"), with a *fallback*: the policy for everyone else. Work is planned under one
policy; the policies around it are its *family*: that policy, its fallbacks in turn, and the
limited policies whose fallback is one of those. An organization falls under the family's
policy that names it, else one that names its plan, else the first unlimited policy of the
chain; none when every policy of the chain is limited to others (it is then told nothing
contractual, though its people may still subscribe publicly). Each organization is checked
and notified under its own policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """Who ``policy`` applies to: everyone, or the named organizations and plans."""

    policy: str
    organizations: frozenset[str] = field(default_factory=frozenset)
    plans: frozenset[str] = field(default_factory=frozenset)
    fallback: str | None = None

    @property
    def is_limited(self) -> bool:
        return bool(self.organizations or self.plans)

    def names_plan(self, plan: str) -> bool:
        return bool(plan) and plan.strip().casefold() in {p.strip().casefold() for p in self.plans}


@dataclass(frozen=True)
class Client:
    slug: str
    plan: str = ""


def chain(policy: str, scopes: Mapping[str, Scope]) -> list[str]:
    """``policy`` and its fallbacks in turn (a loop is cut where it closes)."""
    found = [policy]
    while (nxt := scopes[found[-1]].fallback) is not None and nxt in scopes and nxt not in found:
        found.append(nxt)
    return found


def family(policy: str, scopes: Mapping[str, Scope]) -> list[str]:
    """The chain of ``policy``, then the limited policies falling back to one of it, by slug."""
    line = chain(policy, scopes)
    around = sorted(
        slug
        for slug, scope in scopes.items()
        if slug not in line and scope.is_limited and scope.fallback in line
    )
    return line + around


def policy_for(client: Client, policy: str, scopes: Mapping[str, Scope]) -> str | None:
    """The slug of the policy ``client`` falls under for work planned under ``policy``."""
    members = family(policy, scopes)
    for slug in members:
        if client.slug in scopes[slug].organizations:
            return slug
    for slug in members:
        if scopes[slug].names_plan(client.plan):
            return slug
    return next((slug for slug in chain(policy, scopes) if not scopes[slug].is_limited), None)


def by_policy(
    clients: Iterable[Client], policy: str, scopes: Mapping[str, Scope]
) -> tuple[dict[str, list[Client]], list[Client]]:
    """The clients grouped by the policy each falls under (the work's own first), and those
    no policy covers."""
    grouped: dict[str, list[Client]] = {policy: []}
    uncovered = []
    for client in clients:
        slug = policy_for(client, policy, scopes)
        if slug is None:
            uncovered.append(client)
        else:
            grouped.setdefault(slug, []).append(client)
    return grouped, uncovered
