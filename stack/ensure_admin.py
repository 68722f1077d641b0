"""Create the demo stack's admin user, or bring its password in line with the environment.

Run by stack/netbox.sh with the venv's Python and NETBOX_ROOT set; not part of the plugin an operator
installs. The password is read from an environment variable, never from the command line, so it does not
show in the process list or shell history.
"""

import argparse
import os
import sys

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-env", required=True, help="name of the variable holding the password")
    args = parser.parse_args()
    password = os.environ.get(args.password_env)
    if not password:
        sys.exit(f"{args.password_env} is empty: set the admin password there")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=args.username,
                                                           defaults={"is_superuser": True})
    if created or not user.check_password(password) or not (user.is_superuser and user.is_active):
        user.set_password(password)
        user.is_superuser = user.is_active = True
        user.save()
    print(f"admin user {args.username!r} {'created' if created else 'ready'}")


if __name__ == "__main__":
    main()
