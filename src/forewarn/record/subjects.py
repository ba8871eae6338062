"""A model whose events in the record start with its reference: ``incident:12 resolved.``.

Incidents and planned work mix ``RecordedSubject`` into their model: ``ref`` is
``<REF_PREFIX>:<pk>`` (the cause_ref of its status changes, its exclusions' ref and its notice
thread), and ``record(kind, …)`` appends an event about it inside the change's transaction.
"""

from forewarn.record.kinds import Kind
from forewarn.record.models import Event
from forewarn.record.services import append


class RecordedSubject:
    REF_PREFIX = ""

    @property
    def ref(self) -> str:
        return f"{self.REF_PREFIX}:{self.pk}"

    def record_contact(self) -> str:
        """The contact recorded with each event (the person who reported it, if anyone)."""
        return ""

    def record(
        self, kind: Kind, *, actor: str, description: str, details: dict | None = None
    ) -> Event:
        """Append an event about this subject; inside the change's transaction."""
        return append(
            kind,
            subject=self,
            actor=actor,
            contact=self.record_contact(),
            description=f"{self.ref} {description}",
            details=details or {},
        )
