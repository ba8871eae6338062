"""The JSON API's frame (docs/product.md S12): one NinjaAPI at /api/v1/, tokens and roles.

Modules: ``v1`` (the ``NinjaAPI``, its error handlers, and ``_mount`` adding each domain's
router from ``<domain>/api.py``); ``auth`` (bearer tokens and the console session;
``require``, ``actor``); ``models`` (``ApiToken``: shown once, stored as a SHA-256 digest);
``validation`` (input rules shared by every router); ``admin``.

Entry points for other domains' routers: ``auth.require(request, Role.X)`` as the first line
of every endpoint, ``auth.actor(request)`` for the record, ``validation.refuse_nulls``.

Pure (no Django): none.
"""
