"""Prometheus Alertmanager's webhook (payload version 4) at ``/hooks/alertmanager`` (S12, issue 14).

``payload`` reads a notification, ``matchers`` and ``rules`` decide what it means (pure);
``receiver`` turns it into incidents and component statuses through the incidents' services;
``services`` manages integrations (the bearer tokens) and rules; ``jobs`` resolves incidents
after the quiet period.
"""
