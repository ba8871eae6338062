from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "forewarn.policies"
    label = "policies"
