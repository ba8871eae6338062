"""Incidents in the permission matrix (``incidents/access.py``): viewers read; responders run an
incident; communicators decide what customers see beyond the seed's rules; admins configure."""

from forewarn.incidents.models import CadencePolicy, EscalationContact, IncidentTemplate
from forewarn.incidents.priorities import Priority
from tests.permission_rows import ADMIN, COMMUNICATOR, RESPONDER, VIEWER, Console, Page

API = {
    "GET /api/v1/incidents": VIEWER,
    "POST /api/v1/incidents": RESPONDER,
    "POST /api/v1/incidents/backfill": RESPONDER,
    "GET /api/v1/incidents/priorities": VIEWER,
    "GET /api/v1/incidents/{incident_id}": VIEWER,
    "GET /api/v1/incidents/{incident_id}/report": VIEWER,
    "GET /api/v1/incidents/{incident_id}/report.csv": VIEWER,
    "GET /api/v1/incidents/{incident_id}/cadence": VIEWER,
    "POST /api/v1/incidents/{incident_id}/acknowledge": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/updates": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/resolve": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/reopen": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/reclassify": RESPONDER,
    "PUT /api/v1/incidents/{incident_id}/responders": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/escalations": RESPONDER,
    "PUT /api/v1/incidents/{incident_id}/postmortem": RESPONDER,
    "POST /api/v1/incidents/{incident_id}/visibility": COMMUNICATOR,
    "POST /api/v1/incidents/{incident_id}/cause": COMMUNICATOR,
    "POST /api/v1/incidents/{incident_id}/postmortem/publish": COMMUNICATOR,
    "GET /api/v1/incidents/cadence-policies": VIEWER,
    "PATCH /api/v1/incidents/cadence-policies/{priority}": ADMIN,
    "GET /api/v1/incidents/escalation-settings": VIEWER,
    "PATCH /api/v1/incidents/escalation-settings": ADMIN,
    "GET /api/v1/incidents/escalation-contacts": VIEWER,
    "POST /api/v1/incidents/escalation-contacts": ADMIN,
    "PATCH /api/v1/incidents/escalation-contacts/{contact_id}": ADMIN,
    "DELETE /api/v1/incidents/escalation-contacts/{contact_id}": ADMIN,
    "GET /api/v1/incidents/templates": VIEWER,
    "POST /api/v1/incidents/templates": ADMIN,
    "GET /api/v1/incidents/templates/{template_id}": VIEWER,
    "PATCH /api/v1/incidents/templates/{template_id}": ADMIN,
    "DELETE /api/v1/incidents/templates/{template_id}": ADMIN,
}

CONSOLE = {
    # The change page is the run page (its forms check each step's role); no object pages here.
    "incidents.incident": Console(add=RESPONDER),
    "incidents.cadencepolicy": Console(
        change=ADMIN, make=lambda: CadencePolicy.for_priority(Priority.P1)
    ),
    "incidents.escalationsettings": Console(add=ADMIN, change=ADMIN),
    "incidents.escalationcontact": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: EscalationContact.objects.create(tier="tier_1", email="t1@example.com"),
    ),
    "incidents.incidenttemplate": Console(
        add=ADMIN,
        change=ADMIN,
        delete=ADMIN,
        make=lambda: IncidentTemplate.objects.create(
            name="Outage", title="Outage", body="We are looking into it.", priority="P2"
        ),
    ),
}

PAGES = {
    "admin:incidents_incident_act": Page(RESPONDER, {"pk": "999999", "name": "nothing"}),
    "admin:incidents_incident_report": Page(VIEWER, {"pk": "999999"}),
}
