"""Planned work (docs/product.md S4): maintenance, updates, upgrades and rollouts, announced as
each client's notice policy promises, run on time, and kept in the record (docs/planned.md).

Modules: the pure core ``lifecycle`` (states, the moves between them, what an end does),
``occurrences`` (windows from an RRULE in a named zone), ``scope`` (which policy applies to
each client), ``ics`` (the iTIP invitation), ``wording`` (what each notice says, its key);
``models``; the checks ``guards`` (role and input), ``checks`` (each window against each
client's policy) and ``approval`` (the override rules); the operations ``services`` (draft,
update, publish, reschedule, cancel) and ``progress`` (extend, complete, release); ``runner``
(what the clock triggers) under the job in ``jobs``; ``effects`` (components held and given
back); ``notices`` (what goes through the outbox); ``exclusions`` (availability); ``api`` with
``schemas``.

Pure (no Django): ``lifecycle``, ``occurrences``, ``scope``, ``ics``, ``wording``.
"""
