"""Statuspage-style outbound webhooks (issue 14): a webhook subscriber may take Statuspage's
payload instead of Standard Webhooks', so existing consumers (chat integrations such as
Zulip's) work unchanged. ``payload`` renders it; delivery sends it, signed as usual."""
