"""Business calendars (docs/product.md S2): opening hours, holidays, closures, business time.

Modules: ``engine`` (``BusinessCalendar``: ``is_open``, ``next_open``, ``add_business_time``,
``business_time_between``, ``add_business_days``/``subtract_business_days``, and the notice
deadline ``business_days_before`` with its inverse ``business_days_after``) over ``timeline``
(its table of open intervals and business days); ``holiday_sets`` (``nl-general`` and the ``holidays`` library);
``definitions`` (a calendar as operators write it, checked and made into a ``BusinessCalendar``);
``models`` (``Calendar``); ``services``; ``api``; ``admin``.

Entry points for other domains: ``models.Calendar.to_engine()`` for a saved calendar's
arithmetic, ``definitions.business_calendar(data)`` for a definition (the presets use it),
``services.save_calendar(calendar, actor=...)`` to change one.

Pure (no Django): ``engine``, ``timeline``, ``holiday_sets``, ``definitions``.
"""
