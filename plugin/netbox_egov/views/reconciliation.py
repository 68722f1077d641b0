"""Reconciliation findings (docs/reconciliation.md): their list and page, the review (status and note, one
or many), and accepting a finding (a confirmation page showing the change, then the change itself)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from netbox.object_actions import BulkDelete, BulkEdit, BulkExport, DeleteObject, EditObject
from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, register_model_view

from .. import filtersets, forms, tables
from ..models import Finding
from ..reconciliation.accept import AcceptRefused, accept, propose
from ..ui import panels
from .base import EgovListView, EgovObjectView, detail_layout

FINDINGS = Finding.objects.select_related("device", "interface__device", "far_interface__device")


@register_model_view(Finding, "list", path="", detail=False)
class FindingListView(EgovListView):
    queryset = FINDINGS
    filterset = filtersets.FindingFilterSet
    filterset_form = forms.FindingFilterForm
    table = tables.FindingTable
    actions = (BulkExport, BulkEdit, BulkDelete)  # the collectors' reports add them, never a person


@register_model_view(Finding)
class FindingView(EgovObjectView):
    queryset = FINDINGS
    actions = (EditObject, DeleteObject)
    layout = detail_layout(panels.FindingPanel(), panels.FindingReviewPanel(), right=[panels.FindingAcceptPanel()])


@register_model_view(Finding, "edit")
class FindingEditView(generic.ObjectEditView):
    queryset = Finding.objects.all()
    form = forms.FindingForm


@register_model_view(Finding, "delete")
class FindingDeleteView(generic.ObjectDeleteView):
    queryset = Finding.objects.all()


@register_model_view(Finding, "bulk_edit", path="edit", detail=False)
class FindingBulkEditView(generic.BulkEditView):
    queryset = Finding.objects.all()
    filterset = filtersets.FindingFilterSet
    table = tables.FindingTable
    form = forms.FindingBulkEditForm


@register_model_view(Finding, "bulk_delete", path="delete", detail=False)
class FindingBulkDeleteView(generic.BulkDeleteView):
    queryset = Finding.objects.all()
    filterset = filtersets.FindingFilterSet
    table = tables.FindingTable


@register_model_view(Finding, "accept")
class FindingAcceptView(ConditionalLoginRequiredMixin, View):
    """GET: what accepting the finding would change (or why it cannot be accepted). POST: make the change.

    The finding is one the user may view (GET) or change (POST); the change itself needs the user's permission
    on the object changed: refused with 403 and nothing changed."""

    template_name = "netbox_egov/finding_accept.html"

    def get(self, request, pk):
        finding = get_object_or_404(FINDINGS.restrict(request.user, "view"), pk=pk)
        return render(request, self.template_name, {
            "object": finding, "proposal": propose(finding, request.user),
            "return_url": finding.get_absolute_url(),
        })

    def post(self, request, pk):
        finding = get_object_or_404(FINDINGS.restrict(request.user, "change"), pk=pk)
        try:
            proposal, _changed = accept(finding, request.user)
        except AcceptRefused as refusal:
            if refusal.forbidden:
                raise PermissionDenied(str(refusal)) from refusal
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Accepted: {change}").format(change=proposal.summary))
        return redirect(finding.get_absolute_url())
