from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forewarn.api.models import ApiToken, Surface


class Command(BaseCommand):
    help = (
        "Manage API tokens: `token create USER [--name NAME] [--surface api|cachet]` prints the "
        "new token as its last line; `token revoke PREFIX`. A token opens one surface: the "
        "JSON API (default) or the Cachet-compatible API."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for USER")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument(
            "--surface",
            choices=Surface.values,
            default=Surface.API,
            help="api: /api/v1/ (Authorization: Bearer); cachet: /cachet/api/v1/ (X-Cachet-Token)",
        )
        revoke = sub.add_parser("revoke", help="Revoke the token whose prefix is PREFIX")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user named '{options['username']}'.")
            token, raw = ApiToken.issue(user, options["name"], surface=options["surface"])
            self.stderr.write(
                f"{token.get_surface_display()} token {token.prefix}… for {user.username}; "
                "it is shown only once:"
            )
            self.stdout.write(raw)
        else:
            count = ApiToken.objects.filter(
                prefix=options["prefix"], revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            if not count:
                raise CommandError(f"No active token with prefix '{options['prefix']}'.")
            self.stdout.write(f"Revoked {count} token(s).")
