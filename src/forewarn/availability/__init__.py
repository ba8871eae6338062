"""Availability and SLA (docs/product.md S8): one engine behind the reports and the uptime bars.

Modules: ``engine`` (inputs and entry points: ``availability_table``, ``component_reports``,
``daily_availability``, ``restore_checks``) over ``columns`` (the inputs as arrays),
``intervals`` (vectorised interval arithmetic) and ``figures`` (reports read from the measured
arrays); ``reasons`` (the exclusion reasons); ``services`` (from the database into
the engine; exclusions, their providers and their changes); ``periods`` (``2026-Q3`` and the
like); ``reports`` (``build``: a report for the console and API) and ``exports`` (JSON, CSV);
``bars`` (the status page's uptime bars, each component's past days kept under a digest from
``fingerprints``); ``models`` (``Exclusion``); ``views``, ``urls``,
``api``, ``admin``, ``templatetags``, ``demo``.

Entry points for other domains: ``bars.uptime_bars(components)`` (the status page),
``reports.build(...)``, and ``@services.exclusion_provider`` for planned work and incidents to
feed their own exclusions; ``services.save_exclusion`` / ``delete_exclusion`` change exclusions.

Pure (no Django): ``engine``, ``specs``, ``columns``, ``intervals``, ``figures``,
``fingerprints``, ``reasons`` (the exclusion reasons, what time under maintenance counts as, what a third-party contract
honours).
"""
