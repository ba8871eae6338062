"""Releases and announcements (docs/releases.md, SPEC S10): products, their versions and
release notes, the "What's new" page and feeds, and the notices seed 002 promises for each
kind of release (a major version and an API change are planned work under the notice policy).

Pure core: ``numbering`` (version numbers and kinds), ``notes`` (release-note sections and
the words of the notices), ``sunset`` (RFC 8594 / RFC 9745 header values). Django glue:
``models``, ``services`` (the one write path), ``notices`` (the outbox), ``queries``,
``public`` (pages and feeds), ``api``, ``console``, ``demo``.
"""
