"""Incidents (docs/product.md S5): priorities P1–P5, the update cadence, escalation tiers, the
incident report.

Pure core (no Django): ``priorities``, ``lifecycle``, ``causes``, ``cadence``,
``escalation``, ``access`` (who may do what), ``report``.
Entry points: ``services`` (open, acknowledge, post_update, resolve, reopen,
assign_responders, escalate), ``classification`` (reclassify, make_public,
make_internal, set_cause), ``postmortems``, ``followers``, ``configuration``
(admin set-up), ``exports`` (the report as CSV/JSON), ``exclusions`` (availability),
``jobs`` (the scheduler's cadence watcher and escalations, through ``runner``).
Glue: ``models``, ``timing`` (due-time columns), ``effects`` (component statuses),
``notices`` (what goes through the outbox), ``guards`` (role and input checks).
"""
