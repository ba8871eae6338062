from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forewarn.api.models import ApiToken


class Command(BaseCommand):
    help = "Manage API tokens: `token create USER [--name NAME]` prints the new token as its last line; `token revoke PREFIX`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for USER")
        create.add_argument("username")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="Revoke the token whose prefix is PREFIX")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user named '{options['username']}'.")
            token, raw = ApiToken.issue(user, options["name"])
            self.stderr.write(f"Token {token.prefix}… for {user.username}; it is shown only once:")
            self.stdout.write(raw)
        else:
            count = ApiToken.objects.filter(
                prefix=options["prefix"], revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            if not count:
                raise CommandError(f"No active token with prefix '{options['prefix']}'.")
            self.stdout.write(f"Revoked {count} token(s).")
