"""Run with the Python of a venv that holds NetBox and the plugin's wheel (never the project's own venv):
render every page of the plugin, in English and in Indonesian, and print what each answered, as JSON.

NETBOX_ROOT names the NetBox configuration; the database already holds the demo data.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
django.setup()

from django.apps import apps  # noqa: E402 - Django must be set up first
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from dcim.models import Site  # noqa: E402
from tenancy.models import Tenant  # noqa: E402
from users.models import User  # noqa: E402

from netbox_egov import models  # noqa: E402
from netbox_egov.navigation import menu  # noqa: E402

# A phrase of the plugin's catalogue on the agency list: the Indonesian page must have it, the English not.
INDONESIAN = "Ada Pengelola TIK"


def pages():
    """Menu pages, the first object of every list, and the pages that render the template fragments."""
    urls = [reverse(item.link) for group in menu.groups for item in group.items]
    for model in apps.get_app_config("netbox_egov").get_models():
        if hasattr(model.objects, "restrict"):  # storage rows (a list's content) have no pages of their own
            first = model.objects.order_by("pk").first()
            urls += [first.get_absolute_url()] if first is not None else []
    domain_list = models.DomainList.objects.order_by("pk").first()
    urls += [
        Tenant.objects.get(slug="disdik").get_absolute_url(),  # compliance and site-filter panels
        Site.objects.get(slug="kantor-disdik").get_absolute_url(),  # the backbone map around a site
        reverse("plugins:netbox_egov:domainlist_entries", kwargs={"pk": domain_list.pk}),
    ]
    return sorted(set(urls))


def main():
    admin, _created = User.objects.get_or_create(username="wheel-admin", defaults={"is_superuser": True})
    client = Client()
    client.force_login(admin)
    answers = {}
    for language in ("en", "id"):
        for url in pages():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            answers[f"{language} {url}"] = response.status_code
    agency_list = reverse("plugins:netbox_egov:agency_list")
    translated = {language: INDONESIAN in client.get(agency_list, HTTP_ACCEPT_LANGUAGE=language).content.decode()
                  for language in ("en", "id")}
    json.dump({"answers": answers, "translated": translated}, sys.stdout)


if __name__ == "__main__":
    main()
