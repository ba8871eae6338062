"""The customer portal (docs/portal.md, product S7 private pages and S9): authorized contacts
sign in with an emailed one-time link and see their organization's private status page, its
SLA statement per quarter, its support requests (open, reply, close), the notices sent to it,
and the planned work and incidents that affect it; they keep their own API tokens for the
contact operations of the support API. Also the public support page (seed 001 §4).

Modules: ``models`` (sign-in links, portal sessions, contact tokens, the support page's
settings); ``signin`` (asking for a link, using it once, sessions, signing out); ``tokens``
(contact API tokens); ``queries`` (everything a contact may see, always through its
organization: the isolation lives here); the surfaces ``views`` (the pages), ``api`` (the
contact operations under ``/api/v1/contact/``), ``admin`` (the support page's links);
``demo``.

Entry points for other domains: none. Requests are read and written through
``support.services`` (the one write path), the SLA through ``availability.reports``.
"""
