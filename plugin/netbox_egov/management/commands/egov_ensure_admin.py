"""Create the stack's admin user, or bring its password in line with the environment.

The password is read from an environment variable, never from the command
line, so it does not show in the process list or shell history.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Ensure a superuser exists with the password held in an environment variable."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-env", required=True, help="name of the variable holding the password")

    def handle(self, *args, username, password_env, **options):
        password = os.environ.get(password_env)
        if not password:
            raise CommandError(f"{password_env} is empty: set the admin password there")
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_superuser": True})
        if created or not user.check_password(password) or not (user.is_superuser and user.is_active):
            user.set_password(password)
            user.is_superuser = user.is_active = True
            user.save()
        self.stdout.write(f"admin user {username!r} {'created' if created else 'ready'}")
