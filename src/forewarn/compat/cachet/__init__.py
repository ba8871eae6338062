"""The Cachet API v1 (Cachet 2.4) at ``/cachet/api/v1/``: a thin translation onto Forewarn's
services, so existing Cachet scripts and clients work unchanged under Forewarn's rules
(docs/integrators/cachet.md).

Modules: the pure ``shapes`` (status numbers, timestamps, the envelope, pagination, errors)
and ``inputs`` (JSON and form bodies, the query string); ``http`` (tokens, roles, the
view frame and its error answers), ``lookups`` (Cachet's columns over Forewarn's rows); one
module per resource: ``general`` (ping, version), ``components``, ``groups``, ``incidents``,
``updates`` (incident updates), ``subscribers``; ``urls``.

Pure (no Django): ``shapes``, ``inputs``.
"""
