"""Cable labels (Pasal 11(3)): the label schemes' pages, the check of every cable's label with its fix, and
the printable label sheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from netbox.views import generic
from utilities.views import ContentTypePermissionRequiredMixin, register_model_view

from .. import cable_labels, filtersets, forms, tables
from ..agencies import agency_tenants
from ..jobs import FixCableLabelsJob
from ..models import LabelScheme
from ..ui import panels
from .base import EgovListView, EgovObjectView, EveryBadRecordImportView, detail_layout


class SuperuserRequiredMixin:
    """Only administrators: for objects that are code (label templates), whatever object permissions say."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only administrators may change label schemes."))
        return super().dispatch(request, *args, **kwargs)


#
# Label schemes
#

@register_model_view(LabelScheme, "list", path="", detail=False)
class LabelSchemeListView(EgovListView):
    queryset = LabelScheme.objects.all()
    filterset = filtersets.LabelSchemeFilterSet
    filterset_form = forms.LabelSchemeFilterForm
    table = tables.LabelSchemeTable


@register_model_view(LabelScheme)
class LabelSchemeView(EgovObjectView):
    queryset = LabelScheme.objects.all()
    layout = detail_layout(panels.LabelSchemePanel())


@register_model_view(LabelScheme, "add", detail=False)
@register_model_view(LabelScheme, "edit")
class LabelSchemeEditView(SuperuserRequiredMixin, generic.ObjectEditView):
    queryset = LabelScheme.objects.all()
    form = forms.LabelSchemeForm


@register_model_view(LabelScheme, "delete")
class LabelSchemeDeleteView(SuperuserRequiredMixin, generic.ObjectDeleteView):
    queryset = LabelScheme.objects.all()


@register_model_view(LabelScheme, "bulk_import", path="import", detail=False)
class LabelSchemeBulkImportView(SuperuserRequiredMixin, EveryBadRecordImportView):
    queryset = LabelScheme.objects.all()
    model_form = forms.LabelSchemeImportForm


@register_model_view(LabelScheme, "bulk_edit", path="edit", detail=False)
class LabelSchemeBulkEditView(SuperuserRequiredMixin, generic.BulkEditView):
    queryset = LabelScheme.objects.all()
    filterset = filtersets.LabelSchemeFilterSet
    table = tables.LabelSchemeTable
    form = forms.LabelSchemeBulkEditForm


@register_model_view(LabelScheme, "bulk_delete", path="delete", detail=False)
class LabelSchemeBulkDeleteView(SuperuserRequiredMixin, generic.BulkDeleteView):
    queryset = LabelScheme.objects.all()
    filterset = filtersets.LabelSchemeFilterSet
    table = tables.LabelSchemeTable


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
        preview = cable_labels.planned_fixes(cables)
        # Fixes on cables the user sees but may not change: said, or "nothing to fix" would hide them.
        others = len(cable_labels.planned_fixes(cable_labels.visible_cables(request.user))) - len(preview)
        return render(request, self.template_name, {**self.context(request), "preview": preview,
                                                    "fixes_not_yours": others})

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
