"""Incidents (docs/product.md S5): priorities P1–P5, the update cadence, escalation tiers, the
incident report, and what customers see of them.

Modules: the pure core ``priorities``, ``lifecycle`` (status, moves, impact), ``causes``,
``cadence`` (when an update is due, time left, the cadence report), ``escalation`` (when and
to whom), ``access`` (who may do what), ``report``; ``models``; the operations ``services``
(open, acknowledge, post_update, resolve, reopen, assign_responders, escalate),
``classification`` (reclassify, make_public, make_internal, set_cause), ``postmortems``,
``backfill`` (enter a past incident), ``followers`` (follow one incident), ``configuration``
(admin set-up); their glue ``timing`` (due-time columns, a round's policies), ``effects``
(component statuses), ``notices`` (what goes through the outbox), ``guards`` (role and input
checks); the jobs ``jobs`` over ``runner``; ``exports`` (the report as CSV/JSON),
``exclusions`` (availability); the surfaces ``api`` and ``api_settings`` (with ``schemas``),
``admin`` and ``console`` (with ``forms``), ``views`` and ``urls`` (following, public);
``public`` (what the status page reads); ``demo``.

Entry points for other domains: ``public`` for the status page (it never reads the models),
``exclusions`` registers itself with availability; everything else goes through the services.

Pure (no Django): ``priorities``, ``lifecycle``, ``causes``, ``cadence``, ``escalation``,
``access``, ``report``.
"""
