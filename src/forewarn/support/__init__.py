"""Support requests (docs/product.md S9): requests of authorized contacts by web, API,
email and chat, clocks in business time, warnings, breaches and escalation through the incidents'
tiers, emergencies after hours on call, and the informational request each contractual
notice opens (seed 003).

Modules: the pure core ``lifecycle`` (status, priority, origin, moves), ``clocks`` (targets,
due instants, pauses, time left, after hours), ``mail`` (reading inbound mail: threading
ids, trimmed reply, RFC 3834), ``attachments`` (kinds and sizes); ``models``; the
operations ``services`` (open, the customer writes, ``open_for_notice``) and ``handling``
(staff: reply, note, status, reclassify, assign, escalate, log a call); their glue
``timing`` (due-time columns), ``notices`` (the outbox), ``oncall`` (paging); ``runner``
under ``jobs`` (the clock watcher); the ways in ``inbound`` (filing or refusing mail),
``smtp`` (the built-in receiver, ``forewarn inbound-smtp``) and ``hooks`` (anymail's
inbound webhooks, the outbox's contractual notices); the chat widget: ``chat_tokens`` (the
provider's signed identity), ``chat`` (who writes, their current request) and ``chat_views``
(the script and its JSON calls, CORS); the response-time report: ``reports`` (attainment),
``reporting`` (the requests of a period) and ``report_views``; the surfaces ``api`` and
``admin`` (with ``console``); ``demo``.

Entry points for other domains: ``services.open_for_notice`` (called for every notice the
outbox fans out to organizations' contacts, through ``delivery.outbox.on_contact_notice``)
and ``handling.log_conversation``. Escalation tiers are the incidents' (``incidents.escalation``).

Pure (no Django): ``lifecycle``, ``clocks``, ``mail``, ``attachments``, ``chat_tokens``,
``reports``.
"""
