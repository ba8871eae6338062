"""Demo data of the policies domain: the five seed presets and their calendars."""

from .services import load_presets


def load() -> None:
    """Create or update seed-000 … seed-004; loading again changes nothing."""
    load_presets(actor="demo")
