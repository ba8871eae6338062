from django.core.management.base import BaseCommand

from forewarn.ops import demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo data: the seed presets, a provider's catalog, clients and contacts."

    def handle(self, *args, **options):
        demo.load()
        self.stdout.write("Demo data loaded.")
