"""Agency scoping without holes (issue 8), on the demo data, the way clients call it: REST with tokens, GraphQL,
the UI. Each test reproduces one probe finding as the officer `tik.disdik` (Dinas Pendidikan) and the Dinas
approver `approver.kominfo`."""

import datetime
import json
import re
from urllib.parse import urlparse

from django.test import Client, TestCase, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from helpers import DemoClients

from dcim.models import Cable, Device, Interface, Site
from extras.models import Bookmark, Subscription
from tenancy.models import Tenant
from users.models import ObjectPermission, User

from netbox_egov.compliance import scorecard
from netbox_egov.models import FilterPolicy, Recommendation, RecommendationItem
from netbox_egov.navigation import menu

FUTURE = datetime.date.today() + datetime.timedelta(days=90)
# Bookmarks and subscriptions come from NetBox's default permissions (every user, their own), which the test
# settings drop.
OWN_BOOKMARKS_AND_SUBSCRIPTIONS = {
    f"extras.{action}_{model}": ({"user": "$user"},)
    for model in ("bookmark", "subscription") for action in ("view", "add", "change", "delete")
}


class DemoScoping(DemoClients):
    """Shared fixtures and clients; the checks come in groups below, all run by one test case (one demo load)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.disdik, cls.dinkes = Tenant.objects.get(slug="disdik"), Tenant.objects.get(slug="dinkes")
        cls.own_site, cls.other_site = Site.objects.get(slug="kantor-disdik"), Site.objects.get(slug="kantor-dinkes")
        cls.draft = Recommendation.objects.create(tenant=cls.disdik, title="Wifi aula", kind="lan",
                                                  justification="Rapat")
        cls.other_request = Recommendation.objects.get(tenant__slug="dinkes")

    def get(self, path, user=None, **params):
        return self.api("get", path, user or self.officer, **params)

    def post(self, path, body, user=None):
        return self.api("post", path, user or self.officer, body)

    def free_interface(self, device):
        return Interface.objects.filter(device=device, cable__isnull=True).order_by("name").first()


class WritesThroughRelatedIds:
    """Items 1-4: every related object an officer writes must be one they may view (or change, for a cable end)."""

    def cable(self, a, b):
        return self.post("/api/dcim/cables/", {
            "a_terminations": [{"object_type": "dcim.interface", "object_id": a.pk}],
            "b_terminations": [{"object_type": "dcim.interface", "object_id": b.pk}],
            "tenant": self.disdik.pk,
        })

    def test_an_officer_cannot_cable_another_agencys_gateway(self):
        first, second = Interface.objects.filter(device=self.other_gateway, cable__isnull=True)[:2]
        response = self.cable(first, second)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertNotIn("gw-dinkes", response.content.decode())
        self.assertFalse(Cable.objects.filter(terminations___device=self.other_gateway, tenant=self.disdik).exists())

    def test_an_officer_cannot_cable_own_interface_to_another_agencys(self):
        response = self.cable(self.free_interface(self.own_gateway), self.free_interface(self.other_gateway))
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("b_terminations", response.json())

    def test_an_officer_cables_own_interfaces(self):
        first, second = Interface.objects.filter(device=self.own_gateway, cable__isnull=True)[:2]
        self.assertEqual(self.cable(first, second).status_code, 201)

    def test_an_officer_cannot_cable_a_shared_gateway_they_only_see(self):
        # The quota's enforcement interface is visible to the officer (it serves the agency) but not theirs.
        quota = self.disdik.bandwidth_quota
        shared = Device.objects.exclude(tenant=self.disdik).first()
        quota.enforcement_device, quota.enforcement_interface = shared, self.free_interface(shared)
        quota.save()
        response = self.cable(self.free_interface(self.own_gateway), quota.enforcement_interface)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("may not change", response.json()["b_terminations"][0])

    def test_an_officer_cannot_place_a_device_in_another_agencys_office(self):
        body = {"name": "ap-lantai-2", "device_type": self.own_gateway.device_type_id,
                "role": self.own_gateway.role_id, "tenant": self.disdik.pk}
        refused = self.post("/api/dcim/devices/", {**body, "site": self.other_site.pk})
        self.assertIn(refused.status_code, (400, 403), refused.content)
        self.assertFalse(Device.objects.filter(name="ap-lantai-2", site=self.other_site).exists())
        self.assertEqual(self.post("/api/dcim/devices/", {**body, "site": self.own_site.pk}).status_code, 201)
        moved = self.api("patch", f"/api/dcim/devices/{self.own_gateway.pk}/", self.officer,
                         {"site": self.other_site.pk})
        self.assertIn(moved.status_code, (400, 403), moved.content)
        self.assertEqual(Device.objects.get(pk=self.own_gateway.pk).site, self.own_site)

    def test_an_officer_cannot_name_another_agencys_office_in_a_recommendation_item(self):
        response = self.post("/api/plugins/egov/recommendation-items/",
                             {"recommendation": self.draft.pk, "site": self.other_site.pk, "description": "AP"})
        self.assertEqual(response.status_code, 400, response.content)
        self.assertFalse(RecommendationItem.objects.filter(recommendation=self.draft, site=self.other_site).exists())

    def test_an_officer_cannot_delete_what_they_cannot_see(self):
        first, second = Interface.objects.filter(device=self.other_gateway, cable__isnull=True)[:2]
        foreign = Cable(a_terminations=[first], b_terminations=[second], tenant=self.disdik)
        foreign.save()
        response = Client().delete(f"/api/dcim/cables/{foreign.pk}/", **self.headers(self.officer))
        self.assertIn(response.status_code, (403, 404))
        self.assertTrue(Cable.objects.filter(pk=foreign.pk).exists())

    def test_every_change_or_delete_permission_lies_inside_the_view_permission(self):
        """An officer never changes or deletes an object they cannot see (checked on every model they edit)."""
        for permission in ObjectPermission.objects.filter(groups__name__startswith="PD "):
            actions = set(permission.actions) & {"change", "delete"}
            for object_type in permission.object_types.all():
                model = object_type.model_class()
                for user in (self.officer, User.objects.get(username="tik.dinkes")):
                    viewable = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
                    for action in actions:
                        allowed = set(model.objects.restrict(user, action).values_list("pk", flat=True))
                        self.assertLessEqual(allowed, viewable, f"{user} {action} {model._meta.label}")


class HiddenNames:
    """Items 5-7: a reference to a hidden object gets the answer a missing one gets; no answer names it."""

    MISSING = 2**31 - 1

    def item(self, **body):
        return self.post("/api/plugins/egov/recommendation-items/", {"description": "AP", **body})

    def assert_same_as_missing(self, field, hidden_pk, **body):
        hidden = self.item(**{field: hidden_pk}, **body)
        missing = self.item(**{field: self.MISSING}, **body)
        self.assertEqual(hidden.status_code, 400, hidden.content)
        self.assertEqual(hidden.json(), json.loads(missing.content.decode().replace(str(self.MISSING),
                                                                                    str(hidden_pk))))

    def test_another_agencys_recommendation_is_answered_as_missing(self):
        self.assert_same_as_missing("recommendation", self.other_request.pk)

    def test_another_agencys_device_is_answered_as_missing(self):
        self.assert_same_as_missing("device", self.other_gateway.pk, recommendation=self.draft.pk)

    @override_settings(DEFAULT_PERMISSIONS=OWN_BOOKMARKS_AND_SUBSCRIPTIONS)
    def test_bookmarks_and_subscriptions_only_on_visible_objects(self):
        hidden_objects = (("dcim.device", self.other_gateway), ("netbox_egov.recommendation", self.other_request))
        for path, model in (("/api/extras/bookmarks/", Bookmark), ("/api/extras/subscriptions/", Subscription)):
            for object_type, hidden_object in hidden_objects:
                hidden = self.post(path, {"object_type": object_type, "object_id": hidden_object.pk,
                                          "user": self.officer.pk})
                self.assertEqual(hidden.status_code, 400, hidden.content)
                self.assertNotIn(str(hidden_object), hidden.content.decode())
                self.assertFalse(model.objects.filter(user=self.officer, object_id=hidden_object.pk).exists())
            own = self.post(path, {"object_type": "dcim.device", "object_id": self.own_gateway.pk,
                                   "user": self.officer.pk})
            self.assertEqual(own.status_code, 201, own.content)

    def test_filter_chips_of_plugin_lists_name_no_hidden_object(self):
        """Every object filter of every plugin list in the menu, given an object the officer may not view."""
        client = self.ui()
        checked = 0
        for link in (item.link for group in menu.groups for item in group.items if item.link.endswith("_list")):
            path = reverse(link)
            for parameter, field in resolve(path).func.view_class.filterset_form().fields.items():
                model = getattr(getattr(field, "queryset", None), "model", None)
                if model is None or not hasattr(model.objects, "restrict"):
                    continue
                hidden = model.objects.exclude(pk__in=model.objects.restrict(self.officer, "view").values("pk"))
                for hidden_object in hidden.order_by("pk")[:1]:
                    body = client.get(path, {parameter: hidden_object.pk}).content.decode()
                    self.assertFalse(str(hidden_object) in body,  # no assertNotIn: it would print the whole page
                                     f"{path}?{parameter}={hidden_object.pk} names {hidden_object}")
                    checked += 1
        self.assertGreaterEqual(checked, 15)

    def test_rest_names_only_objects_the_officer_may_view(self):
        """Every nested object in every plugin list the officer reads is one the officer may view: REST agrees
        with GraphQL, which resolves each related object through its own restricted queryset."""
        checked, readable = 0, 0
        for path in self.plugin_list_endpoints():
            response = self.get(path, limit=1000)
            if response.status_code == 403:  # e.g. DR plans: not the officer's to read at all
                continue
            self.assertEqual(response.status_code, 200, path)
            readable += 1
            for url, pk in nested_objects(response.json()["results"]):
                model = resolve(urlparse(url).path).func.cls.queryset.model
                self.assertTrue(model.objects.restrict(self.officer, "view").filter(pk=pk).exists(),
                                f"{path} names {model._meta.label} {pk}")
                checked += 1
        self.assertGreaterEqual(readable, 12)
        self.assertGreater(checked, 100)

    def plugin_list_endpoints(self):
        root = self.get("/api/plugins/egov/").json()
        return [url.split("testserver", 1)[1] for url in root.values()]

    def test_shared_backbone_names_agree_in_rest_graphql_ui_and_csv(self):
        link = self.get("/api/plugins/egov/backbone-links/", site_id=self.own_site.pk).json()["results"][0]
        graphql = self.graphql(f'{{ backbone_link(id: {link["id"]}) {{ site_a {{ name }} site_b {{ name }} }} }}')
        rest_ends = {link["site_a"]["name"], link["site_b"]["name"]}
        self.assertEqual({graphql["backbone_link"]["site_a"]["name"], graphql["backbone_link"]["site_b"]["name"]},
                         rest_ends)
        self.assertEqual(len(rest_ends), 2)  # the neighbour on the shared backbone is named
        client = self.ui()
        page = client.get(urlparse(link["display_url"]).path).content.decode()
        csv = client.get(reverse("plugins:netbox_egov:backbonelink_list"),
                         {"export": "table", "site_id": self.own_site.pk}).content.decode()
        for end in rest_ends:
            self.assertIn(end, page)
            self.assertIn(end, csv)

    def test_exempt_agencies_hidden_alike_in_rest_graphql_ui_and_csv(self):
        policy = FilterPolicy.objects.filter(exempt_tenants__isnull=False).first()
        exempt = policy.exempt_tenants.first()
        self.assertNotEqual(exempt, self.disdik)
        rest = self.get(f"/api/plugins/egov/filter-policies/{policy.pk}/").json()
        self.assertEqual(rest["exempt_tenants"], [])
        graphql = self.graphql(f"{{ filter_policy(id: {policy.pk}) {{ exempt_tenants {{ name }} }} }}")
        self.assertEqual(graphql["filter_policy"]["exempt_tenants"], [])
        client = self.ui()
        page = client.get(policy.get_absolute_url()).content.decode()
        csv = client.get(reverse("plugins:netbox_egov:filterpolicy_list"), {"export": "table"}).content.decode()
        for body in (page, csv):
            self.assertIn(policy.name, body)
            self.assertNotIn(exempt.name, body)
        dinas_rest = self.get(f"/api/plugins/egov/filter-policies/{policy.pk}/", user=self.dinas).json()
        self.assertEqual([tenant["name"] for tenant in dinas_rest["exempt_tenants"]], [exempt.name])

    def graphql(self, query, user=None):
        response = Client().post(reverse("graphql"), {"query": query}, content_type="application/json",
                                 **self.headers(user or self.officer))
        body = response.json()
        self.assertNotIn("errors", body, body)
        return body["data"]


def nested_objects(data, top=True):
    """(url, id) of every related object named inside REST results (a list of objects), at any depth: one
    related object (a foreign key) or a member of a list of them (a many-to-many relation)."""
    if isinstance(data, list):
        for item in data:
            yield from nested_objects(item, top)
    elif isinstance(data, dict):
        if not top and "url" in data and "id" in data:
            yield data["url"], data["id"]
        for value in data.values():
            yield from nested_objects(value, top=False)


class SameAnswerForEveryone:
    """Items 8-10: answers that must not depend on who looks, and a rule that holds for everyone."""

    def test_a_score_is_the_same_for_the_officer_and_the_dinas(self):
        officer_row = scorecard(self.officer)[0]
        dinas_row = next(row for row in scorecard(self.dinas) if row.agency == self.disdik)
        self.assertEqual(officer_row.agency, self.disdik)
        self.assertTrue(officer_row.has_ict_officer)
        self.assertEqual(officer_row.as_dict(), dinas_row.as_dict())
        self.assertEqual(self.get("/api/plugins/egov/compliance/").json(), [dinas_row.as_dict()])

    def test_an_officer_sees_how_their_sites_reach_the_data_center(self):
        client = self.ui()
        report = client.get(reverse("plugins:netbox_egov:backbone_reachability"))
        self.assertEqual(report.status_code, 200)
        routes = report.context["report"].routes
        self.assertEqual([route.site for route in routes], [self.own_site])
        self.assertEqual(routes[0].hops[-1].slug, "pusat-data-diskominfo")
        self.assertEqual(routes[0].single_points_of_failure, [])  # Disdik sits on a fiber ring
        self.assertContains(report, "Pusat Data Diskominfo Klaten")
        self.assertNotContains(report, "Kantor Kecamatan Kemalang")  # another agency's weak link is not theirs
        backbone_map = client.get(reverse("plugins:netbox_egov:backbone_map")).content.decode()
        self.assertIn('<g class="egov-link', backbone_map)

    def test_nobody_edits_a_decided_recommendation(self):
        decided = Recommendation.objects.filter(status="approved").first()
        before = (decided.title, decided.kind, decided.description)
        edit = reverse("plugins:netbox_egov:recommendation_edit", kwargs={"pk": decided.pk})
        # The Dinas decides through the workflow; the record of its decision is not an editable form.
        self.assertEqual(self.ui(self.dinas).get(edit).status_code, 404)
        patch = Client().patch(f"/api/plugins/egov/recommendations/{decided.pk}/",
                               json.dumps({"description": "Changed"}), content_type="application/json",
                               **self.headers(self.dinas))
        self.assertEqual(patch.status_code, 404, patch.content)
        bulk = self.ui(self.dinas).post(reverse("plugins:netbox_egov:recommendation_bulk_edit"), {
            "pk": [decided.pk], "kind": "end-user-devices", "_apply": "1",
        })
        self.assertNotEqual(bulk.status_code, 500)
        # Not even an administrator: the model refuses every edit of what was decided on.
        admin = User.objects.create_user(username="admin-scoping", is_superuser=True)
        for field, value in (("title", "Changed after approval"), ("description", "Changed")):
            form = {"tenant": decided.tenant_id, "title": decided.title, "kind": decided.kind,
                    "justification": decided.justification, field: value}
            refused = self.ui(admin).post(edit, form)
            self.assertEqual(refused.status_code, 200)  # the form again, with the refusal
            self.assertIn(field, refused.context["form"].errors)
        api = Client().patch(f"/api/plugins/egov/recommendations/{decided.pk}/",
                             json.dumps({"title": "Changed after approval"}), content_type="application/json",
                             **self.headers(admin))
        self.assertEqual(api.status_code, 400, api.content)
        self.assertIn("title", api.json())
        decided.refresh_from_db()
        self.assertEqual((decided.title, decided.kind, decided.description), before)


class BadDateTimes:
    """Item 13: a date-time PostgreSQL cannot compare is a 400 naming the parameter and the value."""

    BAD = "1248-08-07T06:41:25.7891-22:52"

    def test_rest_lists(self):
        for path, parameter in (("/api/plugins/egov/backbone-links/", "created__gte"),
                                ("/api/plugins/egov/quota-usage/", "observed_at__gte"),
                                ("/api/plugins/egov/domain-lists/", "last_updated__gte")):
            response = self.get(path, user=self.dinas, **{parameter: self.BAD})
            self.assertEqual(response.status_code, 400, path)
            self.assertIn(self.BAD, response.json()[parameter][0])

    def test_compiled_filter_time(self):
        response = self.get("/api/plugins/egov/compiled-filter/unbound/", user=self.dinas, agency="disdik",
                            at=self.BAD)
        self.assertEqual(response.status_code, 400)
        self.assertIn("-22:52", response.json()["at"])

    def test_ui_lists(self):
        # The agencies page (the plugin menu's landing page) lists core's tenants with core's filters.
        for path in ("/plugins/egov/backbone-links/", "/plugins/egov/agencies/"):
            response = self.ui(self.dinas).get(path, {"created__gte": self.BAD})
            self.assertEqual(response.status_code, 400, path)
            self.assertContains(response, "created__gte", status_code=400)
            self.assertEqual(list(response.context["table"].data), [])

    def test_graphql_lists(self):
        # Core's filters nested in a plugin list's (its tags', its journal entries') are checked the same way.
        for filters, parameter in (
            (f'{{created: {{gte: "{self.BAD}"}}}}', "created__gte"),
            (f'{{tags: {{last_updated: {{lt: "{self.BAD}"}}}}}}', "tags__last_updated__lt"),
            (f'{{OR: {{journal_entries: {{created: {{in_list: ["{self.BAD}"]}}}}}}}}',
             "journal_entries__created__in_list"),
        ):
            query = f"{{ backbone_link_list(filters: {filters}) {{ id }} }}"
            response = Client().post(reverse("graphql"), {"query": query}, content_type="application/json",
                                     **self.headers(self.dinas))
            self.assertEqual(response.status_code, 200)
            errors = response.json()["errors"]
            self.assertIn(parameter, errors[0]["message"])
            self.assertIn("-22:52", errors[0]["message"])
            self.assertNotIn("WHERE", errors[0]["message"])  # no SQL from a database error

    def test_a_good_offset_still_filters(self):
        later = (timezone.now() + datetime.timedelta(days=1)).astimezone(datetime.timezone(datetime.timedelta(hours=7)))
        response = self.get("/api/plugins/egov/backbone-links/", user=self.dinas, created__gte=later.isoformat())
        self.assertEqual(response.json()["count"], 0)
        name = self.get("/api/plugins/egov/backbone-links/", user=self.dinas).json()["results"][0]["name"]
        for filters, expected in (
            (f'{{created: {{gte: "{later.isoformat()}"}}}}', []),
            (f'{{created: {{lt: "{later.isoformat()}"}}, name: {{exact: "{name}"}}}}', [name]),
            (f'{{OR: {{name: {{exact: "{name}"}}}}, tags: {{name: {{exact: "no-such-tag"}}}}}}', [name]),
        ):
            data = self.graphql(f"{{ backbone_link_list(filters: {filters}) {{ name }} }}", user=self.dinas)
            self.assertEqual([link["name"] for link in data["backbone_link_list"]], expected, filters)


class OfficerPages:
    """Every plugin page an officer may open renders, with what they see of the shared infrastructure."""

    def test_every_plugin_page_opens_for_an_officer(self):
        client = self.ui()
        opened = 0
        for group in menu.groups:
            for item in group.items:
                if not self.officer.has_perms(item.permissions):
                    continue
                response = client.get(reverse(item.link))
                self.assertEqual(response.status_code, 200, item.link)
                opened += 1
                if item.link.endswith("_list"):
                    table = response.context.get("table")
                    first = next(iter(table.data), None) if table is not None else None
                    if first is not None:
                        self.assertEqual(client.get(first.get_absolute_url()).status_code, 200, first)
        self.assertGreaterEqual(opened, 12)

    def test_core_pages_with_the_plugin_panels_open_for_an_officer(self):
        client = self.ui()
        neighbour = Site.objects.filter(backbone_links_b__site_a=self.own_site).first() or \
            Site.objects.filter(backbone_links_a__site_b=self.own_site).first()
        for page in (self.disdik, self.own_site, neighbour, self.own_gateway):
            response = client.get(page.get_absolute_url())
            self.assertEqual(response.status_code, 200, page)
            for panel in re.findall(r'hx-get="(/plugins/egov/[^"]+)"', response.content.decode()):
                loaded = client.get(panel.replace("&amp;", "&"), HTTP_HX_REQUEST="true")
                self.assertIn(loaded.status_code, (200, 403), panel)


@override_settings(LOGIN_REQUIRED=True, EXEMPT_VIEW_PERMISSIONS=[])
class AgencyScopingTest(WritesThroughRelatedIds, HiddenNames, SameAnswerForEveryone, BadDateTimes, OfficerPages,
                        DemoScoping, TestCase):
    pass
