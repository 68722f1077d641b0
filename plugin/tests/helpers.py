"""What the plugin's tests share: permission grants, administrators, the plugin's models, and the bases that
point NetBox's view and API test cases at the plugin. Test modules import from here (and from
registry_fixtures), never from each other."""

import json

from django.apps import apps
from django.conf import settings
from django.test import Client

from core.models import ObjectType
from dcim.models import Device
from users.constants import TOKEN_PREFIX
from users.models import ObjectPermission, Token, User

# Plugin settings for tests that allocate documentation space (RFC 5737/3849) as public.
DOCUMENTATION_ALLOWED = {
    **settings.PLUGINS_CONFIG,
    "netbox_egov": {**settings.PLUGINS_CONFIG["netbox_egov"], "allow_documentation_space": True},
}


def object_types(*labels):
    """The ObjectTypes of models given as "app_label.model"."""
    return [ObjectType.objects.get_by_natural_key(*label.split(".")) for label in labels]


def grant(user, label, actions, constraints=None):
    """Give `user` these actions on the model `label` ("app_label.model"), limited to `constraints` if given:
    for the constrained permissions NetBox's add_permissions() cannot express."""
    permission = ObjectPermission.objects.create(
        name=f"{label} {sorted(actions)} {constraints}"[:100], actions=list(actions), constraints=constraints
    )
    permission.users.add(user)
    permission.object_types.add(*object_types(label))
    return permission


def set_superuser(user, is_superuser=True):
    """Make the test's user an administrator (or no longer one); the next request sees it."""
    user.is_superuser = is_superuser
    user.save()


def plugin_models():
    """The plugin's models with pages and endpoints of their own (not the storage rows behind a domain list)."""
    return [model for model in apps.get_app_config("netbox_egov").get_models() if hasattr(model.objects, "restrict")]


class RegistryAPI:
    """The plugin's API namespace for NetBox's API tests."""

    view_namespace = "plugins-api:netbox_egov"
    graphql_auto_filter_tests = False  # explicit filter tests live in test_registry_filtersets.py


class RegistryURLs:
    """The plugin's URL names (plugins:netbox_egov:<model>_<action>) for NetBox's view tests."""

    def _get_base_url(self):
        return f"plugins:netbox_egov:{self.model._meta.model_name}_{{}}"


class DemoClients:
    """On the Klaten demo (loaded once per test case): the officer `tik.disdik` (Dinas Pendidikan), the Dinas
    approver `approver.kominfo`, their gateways, and clients as they call: REST with a token, the UI logged in."""

    @classmethod
    def setUpTestData(cls):
        from netbox_egov.demo.loader import load_demo

        load_demo()
        cls.officer = User.objects.get(username="tik.disdik")
        cls.dinas = User.objects.get(username="approver.kominfo")
        cls.own_gateway, cls.other_gateway = Device.objects.get(name="gw-disdik"), Device.objects.get(name="gw-dinkes")
        cls.tokens = {user.pk: Token.objects.create(user=user) for user in (cls.officer, cls.dinas)}

    def headers(self, user):
        if user.pk not in self.tokens:
            self.tokens[user.pk] = Token.objects.create(user=user)
        token = self.tokens[user.pk]
        return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}",
                "HTTP_ACCEPT": "application/json"}

    def api(self, method, path, user, body=None, **params):
        """`method` ("get", "post", "patch"...) on `path` with `user`'s token; `body` goes as JSON."""
        call = getattr(Client(), method)
        if body is None:
            return call(path, params, **self.headers(user))
        return call(path, json.dumps(body), content_type="application/json", **self.headers(user))

    def ui(self, user=None):
        client = Client()
        client.force_login(user or self.officer)
        return client
