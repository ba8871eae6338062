"""The public status page (docs/product.md S7) and its Statuspage v2-compatible JSON.

Modules: ``views`` + ``urls`` (``/`` and ``/api/v2/…``, thin over ``summary``); ``summary``
(what the page and the JSON say, from the catalog); ``version`` (the page version every cache
key and ETag depends on) and ``models`` (its row); ``caching`` (``public_cached``: cache per
page version, conditional requests); ``fastpath`` (a WSGI layer in front of Django replaying
what ``public_cached`` sent while the page state is unchanged); ``context`` (the page name and zone in every
template); ``apps`` (today also a signal hook that bumps the version on catalog writes).

Entry point for other domains: ``version.page_changed()``, called by a service inside the
transaction that changes something the public page shows.

Pure (no Django): none.
"""
