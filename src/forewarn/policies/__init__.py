"""Notice policies (docs/product.md S3): notice units, work types, the five seed presets, the
validator and the notification plan.

Modules: ``rules`` (units, ``NoticeRule``, ``WorkType``, ``Policy``, ``Region``,
``announce_by``); ``validator`` (``check``: violations and the earliest compliant start);
``plan`` (``notification_plan``: which notices, when); ``presets`` (``seed-000`` … ``seed-004``
and their calendars, as data); ``models`` (``Policy``, ``WorkType``, ``PolicyVersion``;
``to_rules(at)``); ``services`` (save and record; ``load_presets``; ``publish_policy_version``);
``versions`` (who hears of a new version, and what); ``checks`` (``run_check``: the check against
the database, for the API and the console form); ``api``; ``views`` + ``forms`` (the console's
*Check a window*); ``admin``; ``demo``.

Entry points for other domains: ``Policy.to_rules(at)`` (the version in force at ``at``; the
work type rows when ``at`` is None) / ``WorkType.to_rules()`` to get the pure rules, ``validator.check(...)`` and ``plan.notification_plan(...)`` on them (planned work will
call these when work is scheduled or changed), ``checks.run_check(...)`` for a check by slugs.

Pure (no Django): ``rules``, ``validator``, ``plan``, ``presets``.
"""
