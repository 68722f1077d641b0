"""The plugin's views: the agency overview, the registry models, and the backbone reports."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django_tables2 import RequestConfig

from dcim.models import Device
from extras.ui.panels import CustomFieldsPanel, TagsPanel
from netbox.object_actions import BulkExport
from netbox.ui import layout
from netbox.ui.panels import CommentsPanel, ObjectsTablePanel, RelatedObjectsPanel
from netbox.views import generic
from tenancy.filtersets import TenantFilterSet
from tenancy.forms import TenantFilterForm
from tenancy.models import Tenant, TenantGroup
from utilities.forms.utils import restrict_form_fields
from utilities.relations import get_related_models
from utilities.views import (
    ConditionalLoginRequiredMixin,
    ContentTypePermissionRequiredMixin,
    GetRelatedModelsMixin,
    register_model_view,
)

from . import (
    allocations,
    backbone,
    cable_labels,
    compliance,
    filtersets,
    forms,
    models,
    quotas,
    recommendations,
    tables,
)
from .agencies import agency_group_slug, agency_overview, agency_tenants
from .jobs import FixCableLabelsJob, RefreshDomainFeedsJob, import_domains
from .site_filter.storage import download
from .ui import panels


class EgovListView(generic.ObjectListView):
    """NetBox's list view, with two guarantees.

    The filter form, and the filter chips it renders, offer and name only objects the user may view (core
    builds it unrestricted, so `?tenant_id=<hidden>` would show the hidden agency's name). A bad filter
    value answers 400 naming the parameter and the value, with no rows, rather than the unfiltered list.
    """

    def get(self, request):
        if self.filterset is not None:
            filterset = self.filterset(request.GET, self.queryset, request=request)
            if not filterset.is_valid():
                return self.refuse_filters(request, filterset.errors)
        return super().get(request)

    def refuse_filters(self, request, errors):
        for parameter, problems in errors.items():
            for problem in problems:
                messages.error(request, f"{parameter}: {problem}")
        self.queryset, self.filterset = self.queryset.none(), None
        response = super().get(request)
        response.status_code = 400
        return response

    def get_extra_context(self, request):
        context = super().get_extra_context(request)
        if self.filterset_form:
            context["filter_form"] = restricted_filter_form(self.filterset_form(request.GET), request.user)
        return context


def restricted_filter_form(form, user):
    """The filter form with every object choice restricted to what the user may view."""
    restrict_form_fields(form, user)
    for field in form.fields.values():
        # NetBox wraps a filter's widget in a lookup-modifier widget, and the wrapped widget renders the selected
        # options from the choices it was built with, before any restriction: hand it the restricted ones.
        wrapped = getattr(field.widget, "original_widget", None)
        if wrapped is not None and hasattr(field, "queryset"):
            wrapped.choices = field.choices
    return form


class AgencyListView(EgovListView):
    """The regency's agencies at a glance; the plugin menu's landing page."""

    # The model decides the permission (tenancy.view_tenant); the rows come from get_queryset().
    queryset = Tenant.objects.all()
    filterset = TenantFilterSet
    filterset_form = TenantFilterForm
    table = tables.AgencyTable
    actions = (BulkExport,)
    template_name = "netbox_egov/agency_list.html"

    def get_queryset(self, request):
        return agency_overview(request.user)

    def get_extra_context(self, request):
        return {**super().get_extra_context(request), "title": _("Agencies (Perangkat Daerah)")}


class EveryBadRecordImportView(generic.BulkImportView):
    """NetBox's import, reporting every bad record instead of stopping at the first.

    Each record goes through core's own processing; errors are collected and
    raised together, so the view's transaction still rolls back the whole
    file: nothing is imported from a file with errors.
    """

    def _process_import_records(self, form, request, records, prefetched_objects):
        saved, errors = [], []
        for number, record in enumerate(records, start=1):
            try:
                saved += super()._process_import_records(form, request, [record], prefetched_objects)
            except ValidationError as error:
                # Core numbers records within the list it is given: here always 1.
                errors += [message.replace("Record 1 ", f"Record {number} ", 1) for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return saved


class SuperuserRequiredMixin:
    """Only administrators: for objects that are code (label templates), whatever object permissions say."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only administrators may change label schemes."))
        return super().dispatch(request, *args, **kwargs)


def register_standard_views(model, detail_layout, queryset=None, write_mixins=()):
    """Register NetBox's standard view set for a model: list, detail, add/edit, delete and the bulk views.

    Every view takes the same base queryset; NetBox restricts it to the
    user's permissions for the action at hand. Forms, filtersets and tables
    are found by the naming convention (<Model>Form, <Model>FilterSet, ...).
    """
    name = model.__name__
    queryset = queryset if queryset is not None else model.objects.all()
    filterset = getattr(filtersets, f"{name}FilterSet")
    table = getattr(tables, f"{name}Table")

    def view(base, suffix, **attributes):
        return type(f"{name}{suffix}", (base,), {"queryset": queryset, "__module__": __name__, **attributes})

    def write_view(base, suffix, **attributes):
        return type(f"{name}{suffix}", (*write_mixins, base),
                    {"queryset": queryset, "__module__": __name__, **attributes})

    register_model_view(model, "list", path="", detail=False)(view(
        EgovListView, "ListView", filterset=filterset,
        filterset_form=getattr(forms, f"{name}FilterForm"), table=table,
    ))
    register_model_view(model)(view(
        type("RelatedView", (GetRelatedModelsMixin, generic.ObjectView), {}), "View",
        template_name="generic/object.html",
        layout=detail_layout,
        get_extra_context=lambda self, request, instance: {
            "related_models": self.get_related_models(request, instance, omit=internal_related_models(model)),
        },
    ))
    edit = write_view(generic.ObjectEditView, "EditView", form=getattr(forms, f"{name}Form"))
    register_model_view(model, "add", detail=False)(edit)
    register_model_view(model, "edit")(edit)
    register_model_view(model, "delete")(write_view(generic.ObjectDeleteView, "DeleteView"))
    register_model_view(model, "bulk_import", path="import", detail=False)(write_view(
        EveryBadRecordImportView, "BulkImportView", model_form=getattr(forms, f"{name}ImportForm"),
    ))
    register_model_view(model, "bulk_edit", path="edit", detail=False)(write_view(
        generic.BulkEditView, "BulkEditView", filterset=filterset, table=table,
        form=getattr(forms, f"{name}BulkEditForm"),
    ))
    register_model_view(model, "bulk_delete", path="delete", detail=False)(write_view(
        generic.BulkDeleteView, "BulkDeleteView", filterset=filterset, table=table,
    ))


def internal_related_models(model):
    """Related storage models without views of their own (e.g. a domain list's content row): not listed."""
    return [related for related, _field in get_related_models(model, ordered=False)
            if not hasattr(related.objects, "restrict")]


def detail_layout(main_panel, *extra_left, right=(), bottom=()):
    """The usual page: attributes and extras left; custom fields, tags, comments, related objects right."""
    return layout.SimpleLayout(
        left_panels=[main_panel, *extra_left],
        right_panels=[*right, CustomFieldsPanel(), TagsPanel(), CommentsPanel(), RelatedObjectsPanel()],
        bottom_panels=list(bottom),
    )


def objects_table(model, filter_name, title):
    """A restricted, HTMX-loaded table of `model` filtered to the object on the page."""
    return ObjectsTablePanel(model=model, filters={filter_name: lambda context: context["object"].pk}, title=title)


register_standard_views(models.BackboneLink, detail_layout(panels.BackboneLinkPanel()))
register_standard_views(models.DRPlan, detail_layout(
    panels.DRPlanPanel(), panels.DRDrillPanel(),
    bottom=[objects_table("netbox_egov.informationsystem", "dr_plan_id", _("Information systems covered"))],
))
register_standard_views(
    models.InformationSystem,
    detail_layout(
        panels.InformationSystemPanel(),
        bottom=[
            objects_table("netbox_egov.securityassessment", "information_system_id", _("Security assessments")),
            objects_table("netbox_egov.publicipallocation", "information_system_id", _("Public IP allocations")),
        ],
    ),
    queryset=models.InformationSystem.with_placement(models.InformationSystem.objects.all()),
)
register_standard_views(models.PublicIPAllocation, detail_layout(panels.PublicIPAllocationPanel()))
register_standard_views(models.Uplink, detail_layout(
    panels.UplinkPanel(),
    bottom=[objects_table("netbox_egov.uplinkassignment", "uplink_id", _("Agencies egressing here"))],
))
register_standard_views(models.UplinkAssignment, detail_layout(panels.UplinkAssignmentPanel()))
register_standard_views(models.SecuritySystem, detail_layout(panels.SecuritySystemPanel()))
register_standard_views(models.SecurityAssessment, detail_layout(panels.SecurityAssessmentPanel()))
register_standard_views(models.Repository, detail_layout(panels.RepositoryPanel()))
register_standard_views(models.Schedule, detail_layout(panels.SchedulePanel()))
register_standard_views(models.BandwidthQuota, detail_layout(
    panels.BandwidthQuotaPanel(), panels.QuotaVolumePanel(), right=[panels.QuotaEnforcementPanel()],
))
register_standard_views(models.Recommendation, detail_layout(
    panels.RecommendationPanel(), panels.RecommendationDecisionPanel(),
    right=[panels.RecommendationWorkflowPanel()],
    bottom=[objects_table("netbox_egov.recommendationitem", "recommendation_id", _("Items"))],
))
register_standard_views(models.RecommendationItem, detail_layout(panels.RecommendationItemPanel()))
register_standard_views(models.LabelScheme, detail_layout(panels.LabelSchemePanel()),
                        write_mixins=(SuperuserRequiredMixin,))
register_standard_views(models.DomainList, detail_layout(
    panels.DomainListPanel(), right=[panels.DomainListContentPanel()], bottom=[panels.DomainListActionsPanel()],
))
register_standard_views(
    models.FilterPolicy, detail_layout(panels.FilterPolicyPanel(), panels.FilterPolicyScopePanel()),
    queryset=models.FilterPolicy.objects.select_related("schedule").prefetch_related(
        "blocked_lists", "allowed_lists", "tenants", "exempt_tenants"
    ),
)
register_standard_views(
    models.QuotaUsage, detail_layout(panels.QuotaUsagePanel()),
    # The state column reads the agency's quota: fetched with the rows, not per row.
    queryset=models.QuotaUsage.objects.select_related("tenant__bandwidth_quota"),
)


class BackboneReportView(ContentTypePermissionRequiredMixin, View):
    """Base of the backbone pages: anyone who may view backbone links; each page restricts its own rows."""

    template_name = None

    def get_required_permission(self):
        return "netbox_egov.view_backbonelink"

    def get(self, request):
        return render(request, self.template_name, self.get_context(request))


class BackboneMapView(BackboneReportView):
    template_name = "netbox_egov/backbone_map.html"

    def get_context(self, request):
        return {"map_svg": mark_safe(backbone.map_svg(request.user))}  # noqa: S308 - every label is escaped


class BackboneReachabilityView(BackboneReportView):
    template_name = "netbox_egov/backbone_reachability.html"

    def get_context(self, request):
        return {"report": backbone.reachability_report(request.user)}


class UnallocatedPublicSpaceView(ContentTypePermissionRequiredMixin, View):
    """Public space in NetBox IPAM that no active allocation covers (Pasal 9(2)c)."""

    def get_required_permission(self):
        return "netbox_egov.view_publicipallocation"

    def get(self, request):
        return render(request, "netbox_egov/unallocated_public_space.html", {
            "unallocated": allocations.unallocated_public_space(request.user),
        })


class OversubscriptionView(ContentTypePermissionRequiredMixin, View):
    """Per uplink: guaranteed download rates (must fit) and ceilings (may oversubscribe, reported)."""

    def get_required_permission(self):
        return "netbox_egov.view_bandwidthquota"

    def get(self, request):
        return render(request, "netbox_egov/oversubscription.html", {"loads": quotas.uplink_loads(request.user)})


class RecommendationTransitionView(ConditionalLoginRequiredMixin, View):
    """POST a workflow step. The object is looked up among those the user may act on for that step:
    change for submit (the agency's own draft), the custom `approve` action for approve and reject."""

    def post(self, request, pk, transition):
        if transition not in recommendations.WORKFLOW_PERMISSIONS:
            raise Http404
        queryset = models.Recommendation.objects.restrict(
            request.user, recommendations.workflow_permission(transition)
        )
        recommendation = get_object_or_404(queryset, pk=pk)
        valid_until = parse_date(request.POST.get("valid_until", "")) if request.POST.get("valid_until") else None
        try:
            recommendation.transition(transition, request.user, valid_until=valid_until,
                                      reason=request.POST.get("reason", ""))
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Recommendation {name}: {status}.").format(
                name=recommendation, status=recommendation.get_status_display()))
        return redirect(recommendation.get_absolute_url())


class UncoveredDevicesView(ContentTypePermissionRequiredMixin, View):
    """Agency devices that no valid approved recommendation covers (Pasal 11(2))."""

    def get_required_permission(self):
        return "dcim.view_device"

    def get(self, request):
        devices = recommendations.uncovered_devices(Device.objects.restrict(request.user, "view"))
        return render(request, "netbox_egov/uncovered_devices.html", {"devices": devices})


class CableLabelsView(ContentTypePermissionRequiredMixin, View):
    """Pasal 11(3): every cable's label against the active scheme, per agency figures, and the fix.

    GET shows the check; POST with "preview" lists what the fix would write (nothing written);
    POST with "apply" runs the fix as a background job on the cables the user may change.
    """

    template_name = "netbox_egov/cable_labels.html"

    def get_required_permission(self):
        return "dcim.view_cable"

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        cables = cable_labels.visible_cables(request.user, "change")
        if "apply" in request.POST:
            ids = [int(pk) for pk in request.POST.getlist("cable_id") if pk.isdigit()]
            job = FixCableLabelsJob.enqueue(user=request.user, cable_ids=ids)
            messages.success(request, _("Writing {count} cable labels in job {job}.").format(count=len(ids), job=job))
            return redirect(job.get_absolute_url())
        return render(request, self.template_name, {**self.context(request),
                                                    "preview": cable_labels.planned_fixes(cables)})

    def context(self, request):
        status = request.GET.get("status")
        results = cable_labels.judge_all(cable_labels.visible_cables(request.user))
        return {
            "scheme": cable_labels.active_scheme(),
            "figures": cable_labels.agency_figures(agency_tenants().restrict(request.user, "view")),
            "results": [result for result in results if not status or result.status == status],
            "status": status,
        }


class CableLabelSheetPDFView(ContentTypePermissionRequiredMixin, View):
    """A4 label sheet for the selected cables (?cable_id=..), as the active scheme labels them."""

    def get_required_permission(self):
        return "dcim.view_cable"

    def get(self, request):
        try:
            ids = cable_labels.requested_cable_ids(request.GET.getlist("cable_id"))
        except ValidationError as refusal:
            return HttpResponseBadRequest(
                "\n".join(f"{field}: {message}" for field, messages in refusal.message_dict.items()
                          for message in messages), content_type="text/plain; charset=utf-8")
        return cable_labels.sheet_response(cable_labels.visible_cables(request.user).filter(pk__in=ids))


class ComplianceView(ContentTypePermissionRequiredMixin, View):
    """The regency-wide compliance scorecard: sortable, filterable by kind of agency, exportable as CSV."""

    def get_required_permission(self):
        return "tenancy.view_tenant"

    def get(self, request):
        agencies = agency_tenants()
        if request.GET.get("group"):
            agencies = agencies.filter(group__slug=request.GET["group"])
        rows = compliance.scorecard(request.user, agencies)
        if request.GET.get("failing"):
            rows = [row for row in rows if row.score is not None and row.score < 100]
        table = tables.ComplianceTable(rows, order_by=request.GET.get("sort", "agency"))
        if request.GET.get("export") == "csv":
            return compliance_csv(table)
        RequestConfig(request, paginate=False).configure(table)
        return render(request, "netbox_egov/compliance.html", {
            "table": table,
            "groups": TenantGroup.objects.restrict(request.user, "view").filter(parent__slug=agency_group_slug()),
            "group": request.GET.get("group", ""), "failing": bool(request.GET.get("failing")),
        })


def compliance_csv(table):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="egov-compliance.csv"'
    csv.writer(response).writerows(table.as_values())
    return response


def _changeable_domain_list(request, pk):
    return get_object_or_404(models.DomainList.objects.restrict(request.user, "change"), pk=pk)


@register_model_view(models.DomainList, "entries", path="entries")
class DomainListEntriesView(ConditionalLoginRequiredMixin, View):
    """Add, remove or replace a list's domains, typed or uploaded: small inputs at once, large ones by a job."""

    template_name = "netbox_egov/domain_list_entries.html"

    def get(self, request, pk):
        domain_list = _changeable_domain_list(request, pk)
        return render(request, self.template_name, {"object": domain_list, "form": forms.DomainEntriesForm()})

    def post(self, request, pk):
        domain_list = _changeable_domain_list(request, pk)
        form = forms.DomainEntriesForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"object": domain_list, "form": form})
        job = import_domains(domain_list, form.cleaned_data["mode"], form.cleaned_data["text"], request.user)
        if job.completed is None:
            messages.info(request, _("Importing in the background: job {job}.").format(job=job))
            return redirect(job.get_absolute_url())
        report_import(request, job)
        return redirect(domain_list.get_absolute_url())


def report_import(request, job):
    if not job.data:
        messages.error(request, _("The import failed; see job {job}.").format(job=job))
        return
    messages.success(request, _("The list now holds {count} domains.").format(count=job.data["domains"]))
    for bad in job.data["first_bad_lines"]:
        messages.warning(request, _("Line {line} not imported ({text}): {why}").format(**bad))
    hidden = job.data["bad_lines"] - len(job.data["first_bad_lines"])
    if hidden > 0:
        messages.warning(request, _("{count} more bad lines are listed on the list's page.").format(count=hidden))


@register_model_view(models.DomainList, "download", path="domains.txt")
class DomainListDownloadView(ConditionalLoginRequiredMixin, View):
    def get(self, request, pk):
        domain_list = get_object_or_404(models.DomainList.objects.restrict(request.user, "view"), pk=pk)
        response = HttpResponse(download(domain_list), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(domain_list.name)}.txt"'
        return response


@register_model_view(models.DomainList, "refresh", path="refresh")
class DomainListRefreshView(ConditionalLoginRequiredMixin, View):
    """POST: refresh this list's feed now, on a worker."""

    def post(self, request, pk):
        domain_list = _changeable_domain_list(request, pk)
        if domain_list.source != "feed":
            messages.error(request, _("{name} is not pulled from a feed.").format(name=domain_list))
            return redirect(domain_list.get_absolute_url())
        job = RefreshDomainFeedsJob.enqueue(instance=domain_list, user=request.user, domain_list_id=domain_list.pk)
        messages.info(request, _("Refreshing {name} in job {job}.").format(name=domain_list, job=job))
        return redirect(job.get_absolute_url())
