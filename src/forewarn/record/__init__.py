"""The system of record (docs/product.md S11): every event, with its time, actor and contact,
kept and never changed.

Modules: ``kinds`` (``Kind``: every kind of event, ``<subject>.<verb>``); ``models``
(``Event``); ``services`` (``append``, and ``snapshot``/``changes``/``actor_name`` to describe
a change); ``admin`` (read-only in the console).

Entry point for other domains: ``services.append(Kind.X, subject=..., actor=..., contact=...,
description=..., details=...)``, inside the service's transaction; add the kind to ``kinds``
first.

Pure (no Django): ``kinds``.
"""
