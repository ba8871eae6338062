"""Subscriptions and delivery (docs/product.md S6): subscribers, notices, the outbox, channels.

Entry point for other domains: ``outbox.queue_notice(key=..., thread_key=..., kind=...,
subject=..., body=..., audience=..., components=..., due_at=...)``, called inside the
transaction of the event that causes the notice (``outbox.cancel_notice`` withdraws one).
Everything else here is delivery's own business.

Modules, by concept:

- the outbox: ``models`` (``Subscriber``, ``Notice``, ``Delivery``, ``DeliveryAttempt``),
  ``outbox`` (queue, fan out, cancel, close), ``claims`` (claim due rows, record outcomes),
  ``sender`` (a sending round on parallel connections), ``journal`` (accepted messages survive
  a killed worker), ``channels`` (email, webhook, chat transports), ``emails`` (rendering),
  ``webhook_health`` (disable webhooks that keep failing), ``jobs`` (the scheduler jobs);
- subscribers: ``subscriptions`` (double opt-in, preferences, unsubscribe), ``operators``
  (what staff do with subscribers), ``tokens`` (signed links), ``forms``, ``views``, ``urls``;
- the console and API: ``admin``, ``api``.

Pure (no Django): none; ``tokens`` needs only ``settings.SECRET_KEY``.
"""
