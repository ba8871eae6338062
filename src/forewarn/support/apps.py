from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "forewarn.support"
    label = "support"
    verbose_name = "Support"

    def ready(self):
        # Imported here: the app registry is not ready when apps.py loads.
        from anymail.signals import inbound

        from forewarn.delivery.emails import answers_mail
        from forewarn.delivery.outbox import on_contact_notice

        from . import hooks, notices

        inbound.connect(hooks.on_anymail_inbound, dispatch_uid="forewarn.support.inbound")
        on_contact_notice(hooks.on_contact_notice)
        answers_mail(notices.answered_mail)
