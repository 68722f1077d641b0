"""What the plugin's tests share: permission grants, administrators, the plugin's models, and the bases that
point NetBox's view and API test cases at the plugin. Test modules import from here (and from
registry_fixtures), never from each other."""

from django.apps import apps
from django.conf import settings

from core.models import ObjectType
from users.models import ObjectPermission

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
