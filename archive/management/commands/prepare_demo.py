import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.models import ENTITY_KINDS, Article

SAMPLE_WIRE_FILES = settings.BASE_DIR / "archive" / "samples"
PASSWORD_FILE = settings.BASE_DIR / "var" / "admin-password.txt"


class Command(BaseCommand):
    help = (
        "Get a local archive ready to explore: on an empty database, generate a demo archive and "
        "import the sample wire files; make sure an admin login exists and print it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=3000, help="Size of the demo archive (default 3000).")
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="Where the site will be served, for the login line."
        )

    def handle(self, *args, articles, username, address, **options):
        empty = not Article.objects.exists() and not any(k.model.objects.exists() for k in ENTITY_KINDS.values())
        if empty:
            call_command("generate_demo", articles=articles, stdout=self.stdout, stderr=self.stderr)
            call_command("import_articles", str(SAMPLE_WIRE_FILES), status="published", stdout=self.stdout)
        else:
            self.stdout.write("The archive already has content; leaving it as it is.")
        self.ensure_admin(username, address)

    def ensure_admin(self, username, address):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None or not PASSWORD_FILE.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(username, email="", password=password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            PASSWORD_FILE.parent.mkdir(exist_ok=True)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        password = PASSWORD_FILE.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin: http://{address}/admin/   username: {username}   password: {password}\n"
                f"  (the password is kept in {shown_path(PASSWORD_FILE)})\n"
            )
        )


def shown_path(path):
    """The path from the project folder, where it lies inside it."""
    return path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
