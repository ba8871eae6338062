"""Running the product (docs/product.md S12): the command line, the worker, health checks, demo
data.

Modules: ``management/commands/`` (``forewarn demo``, ``load_demo``, ``web``, ``worker``,
``token``); ``jobs`` (``load_jobs``: imports every app's ``jobs`` module for the scheduler);
``demo`` (the catalog's demo rows, and ``domain_demo_modules`` finding every other app's
``demo.load``); ``serving`` (the web server's command line: granian or gunicorn);
``granian_server`` (granian's command line with signal handling that cannot hang); ``views``
(``/healthz``, ``/readyz``); ``migrations`` (the shared cache table).

Entry points: none for other domains; a domain takes part by having ``jobs.py`` (scheduler jobs)
and ``demo.py`` (a ``load()``), found without registration.

Pure (no Django): ``serving``.
"""
