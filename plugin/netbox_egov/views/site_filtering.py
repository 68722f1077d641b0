"""Site filtering (Pasal 10(2)): the pages of domain lists and filter policies, a list's entries, its
download and its feed refresh."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, register_model_view

from .. import filtersets, forms, tables
from ..jobs import import_domains, refresh_feed_now
from ..models import DomainList, FilterPolicy
from ..site_filter.storage import download
from ..ui import panels
from .base import EgovListView, EgovObjectView, EveryBadRecordImportView, detail_layout

# A policy's page and rows show its schedule, lists and agencies: fetched with the policies.
FILTER_POLICIES = FilterPolicy.objects.select_related("schedule").prefetch_related(
    "blocked_lists", "allowed_lists", "tenants", "exempt_tenants"
)


#
# Domain lists
#

@register_model_view(DomainList, "list", path="", detail=False)
class DomainListListView(EgovListView):
    queryset = DomainList.objects.all()
    filterset = filtersets.DomainListFilterSet
    filterset_form = forms.DomainListFilterForm
    table = tables.DomainListTable


@register_model_view(DomainList)
class DomainListView(EgovObjectView):
    queryset = DomainList.objects.all()
    layout = detail_layout(
        panels.DomainListPanel(), right=[panels.DomainListContentPanel()], bottom=[panels.DomainListActionsPanel()]
    )


@register_model_view(DomainList, "add", detail=False)
@register_model_view(DomainList, "edit")
class DomainListEditView(generic.ObjectEditView):
    queryset = DomainList.objects.all()
    form = forms.DomainListForm


@register_model_view(DomainList, "delete")
class DomainListDeleteView(generic.ObjectDeleteView):
    queryset = DomainList.objects.all()


@register_model_view(DomainList, "bulk_import", path="import", detail=False)
class DomainListBulkImportView(EveryBadRecordImportView):
    queryset = DomainList.objects.all()
    model_form = forms.DomainListImportForm


@register_model_view(DomainList, "bulk_edit", path="edit", detail=False)
class DomainListBulkEditView(generic.BulkEditView):
    queryset = DomainList.objects.all()
    filterset = filtersets.DomainListFilterSet
    table = tables.DomainListTable
    form = forms.DomainListBulkEditForm


@register_model_view(DomainList, "bulk_delete", path="delete", detail=False)
class DomainListBulkDeleteView(generic.BulkDeleteView):
    queryset = DomainList.objects.all()
    filterset = filtersets.DomainListFilterSet
    table = tables.DomainListTable


#
# Filter policies
#

@register_model_view(FilterPolicy, "list", path="", detail=False)
class FilterPolicyListView(EgovListView):
    queryset = FILTER_POLICIES
    filterset = filtersets.FilterPolicyFilterSet
    filterset_form = forms.FilterPolicyFilterForm
    table = tables.FilterPolicyTable


@register_model_view(FilterPolicy)
class FilterPolicyView(EgovObjectView):
    queryset = FILTER_POLICIES
    layout = detail_layout(panels.FilterPolicyPanel(), panels.FilterPolicyScopePanel())


@register_model_view(FilterPolicy, "add", detail=False)
@register_model_view(FilterPolicy, "edit")
class FilterPolicyEditView(generic.ObjectEditView):
    queryset = FILTER_POLICIES
    form = forms.FilterPolicyForm


@register_model_view(FilterPolicy, "delete")
class FilterPolicyDeleteView(generic.ObjectDeleteView):
    queryset = FILTER_POLICIES


@register_model_view(FilterPolicy, "bulk_import", path="import", detail=False)
class FilterPolicyBulkImportView(EveryBadRecordImportView):
    queryset = FILTER_POLICIES
    model_form = forms.FilterPolicyImportForm


@register_model_view(FilterPolicy, "bulk_edit", path="edit", detail=False)
class FilterPolicyBulkEditView(generic.BulkEditView):
    queryset = FILTER_POLICIES
    filterset = filtersets.FilterPolicyFilterSet
    table = tables.FilterPolicyTable
    form = forms.FilterPolicyBulkEditForm


@register_model_view(FilterPolicy, "bulk_delete", path="delete", detail=False)
class FilterPolicyBulkDeleteView(generic.BulkDeleteView):
    queryset = FILTER_POLICIES
    filterset = filtersets.FilterPolicyFilterSet
    table = tables.FilterPolicyTable


def _changeable_domain_list(request, pk):
    return get_object_or_404(DomainList.objects.restrict(request.user, "change"), pk=pk)


@register_model_view(DomainList, "entries", path="entries")
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


@register_model_view(DomainList, "download", path="domains.txt")
class DomainListDownloadView(ConditionalLoginRequiredMixin, View):
    def get(self, request, pk):
        domain_list = get_object_or_404(DomainList.objects.restrict(request.user, "view"), pk=pk)
        response = HttpResponse(download(domain_list), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(domain_list.name)}.txt"'
        return response


@register_model_view(DomainList, "refresh", path="refresh")
class DomainListRefreshView(ConditionalLoginRequiredMixin, View):
    """POST: refresh this list's feed now, on a worker."""

    def post(self, request, pk):
        domain_list = _changeable_domain_list(request, pk)
        try:
            job = refresh_feed_now(domain_list, request.user)
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
            return redirect(domain_list.get_absolute_url())
        messages.info(request, _("Refreshing {name} in job {job}.").format(name=domain_list, job=job))
        return redirect(job.get_absolute_url())
