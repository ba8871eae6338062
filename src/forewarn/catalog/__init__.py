"""The catalog (docs/product.md S1): components and their status history, groups, product
categories, regions, organizations and their authorized contacts; and staff roles.

Modules: ``models`` (``Component``, ``ComponentGroup``, ``StatusInterval``, ``ProductCategory``,
``Region``, ``Organization``, ``AuthorizedContact``, ``StaffProfile``, ``Role``, ``has_role``);
``services`` (the state changes); ``instants`` (the time rules of a claimed instant, pure);
``roles`` (the console's permissions by role: ``RoleAdmin``, ``RoleInline``);
``api`` (groups and components) and ``api_contracts`` (categories, regions, organizations,
contacts), two routers; ``admin``. Its demo rows live in ``ops/demo.py``.

Entry points for other domains: ``services.set_status(component, status, cause=..., actor=...,
at=None, backdate_reason="")`` to change a component's status (docs/developers/flow.md),
``services.components_by_slug(slugs)`` to resolve slugs with a 422-ready error, ``models.has_role(user, Role.X)`` for permission checks.

Pure (no Django): ``statuses``, ``peak_hours``, ``instants``.
"""
