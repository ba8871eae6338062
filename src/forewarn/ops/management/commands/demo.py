import os
import secrets
import subprocess
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from forewarn.ops.backups import mark_in_use
from forewarn.ops.management.commands.worker import run_worker
from forewarn.ops.metrics import multiprocess_folder
from forewarn.ops.serving import DEFAULT_SERVER, web_command
from forewarn.ops.stopping import SignalStop
from forewarn.portal import demo as portal_demo
from forewarn.portal import signin
from forewarn.support.models import ChatWidget
from forewarn.support.smtp import controller as inbound_smtp


def ensure_admin() -> str:
    """Create the `admin` account once; its password is kept in the data folder so reruns show it."""
    password_file = settings.DATA_DIR / "admin_password"
    User = get_user_model()
    user = User.objects.filter(username="admin").first()
    if user is not None and password_file.exists():
        return password_file.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = User.objects.create_superuser("admin", "admin@forewarn.example", password)
    else:
        user.set_password(password)
        user.save()
    password_file.write_text(password)
    password_file.chmod(0o600)
    return password


def chat_preview() -> str:
    """The console page where the demo's chat widget runs as one of the demo's contacts."""
    widget = ChatWidget.objects.filter(name="Demo product").first() or ChatWidget.objects.first()
    if widget is None:
        return "/console/support/chatwidget/"
    return reverse("admin:support_chatwidget_preview", args=[widget.pk])


class Command(BaseCommand):
    help = "Run Forewarn on the embedded default: migrate, load demo data, serve on 127.0.0.1 with the worker in-process."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then exit")

    def handle(self, *args, port, no_serve, **options):
        # Links in emails must point where the demo is served, unless a public URL is configured.
        if "FOREWARN_SITE_URL" not in os.environ:
            os.environ["FOREWARN_SITE_URL"] = f"http://127.0.0.1:{port}"
            settings.SITE_URL = os.environ["FOREWARN_SITE_URL"]
        mark_in_use()  # `forewarn restore` refuses while the demo runs
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        password = ensure_admin()
        base = f"http://127.0.0.1:{port}"
        portal_link = portal_demo.sign_in_link()
        smtp_port = int(os.environ.get("FOREWARN_INBOUND_SMTP_PORT", "2525"))
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Status page   {base}/",
                    f"  Console       {base}/console/   (user: admin, password: {password})",
                    f"  API docs      {base}/api/v1/docs",
                    f"  Statuspage v2 {base}/api/v2/summary.json",
                    f"  Portal        {base}/portal/   (as {portal_demo.DEMO_CONTACT}, for "
                    f"{signin.LINK_MINUTES} minutes: {portal_link}; or ask for a link there, "
                    "it arrives in the captured mail)",
                    f"  Support page  {base}/support/",
                    f"  What's new    {base}/whats-new/",
                    f"  Mail is captured in {getattr(settings, 'MAIL_CAPTURE_DIR', 'the configured mail server')}",
                    f"  Support mail  smtp://127.0.0.1:{smtp_port} (to {settings.FOREWARN_SUPPORT_EMAIL})"
                    if smtp_port
                    else "  Support mail  not received (FOREWARN_INBOUND_SMTP_PORT=0)",
                    f"  Support chat  {base}{chat_preview()}   (the widget, signed in as a contact)",
                    "  Ctrl-C stops everything.",
                    "",
                ]
            )
        )
        if no_serve:
            return
        env = os.environ | {
            "FOREWARN_DATA_DIR": str(settings.DATA_DIR),
            "PORT": str(port),
            "PROMETHEUS_MULTIPROC_DIR": multiprocess_folder(settings.DATA_DIR),
        }
        web = subprocess.Popen(
            web_command(
                f"127.0.0.1:{port}",
                workers=2,
                threads=2,
                server=os.environ.get("FOREWARN_WEB_SERVER", DEFAULT_SERVER),
                graceful_seconds=5,
                log_level="warning",
            ),
            env=env,
        )
        stop = threading.Event()
        SignalStop(stop).install()
        worker = threading.Thread(target=run_worker, args=(stop,), name="worker", daemon=True)
        worker.start()
        receiver = inbound_smtp("127.0.0.1", smtp_port) if smtp_port else None
        if receiver is not None:
            receiver.start()  # the built-in SMTP receiver of the support address
        while not stop.wait(1):
            if web.poll() is not None:
                self.stderr.write("The web process stopped; stopping.")
                stop.set()
        self.stdout.write("Stopping…")
        if web.poll() is None:
            web.terminate()
            try:
                web.wait(timeout=10)
            except subprocess.TimeoutExpired:
                web.kill()
        worker.join(timeout=15)
        if receiver is not None:
            receiver.stop()
        self.stdout.write("Stopped.")
