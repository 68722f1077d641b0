"""Dinas recommendations (Pasal 11(2)): their pages, and the workflow steps posted from them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, register_model_view

from .. import filtersets, forms, tables
from ..models import Recommendation, RecommendationItem
from ..recommendations import WORKFLOW_PERMISSIONS, workflow_permission
from ..ui import panels
from .base import EgovListView, EgovObjectView, EveryBadRecordImportView, detail_layout, objects_table

#
# Recommendations
#

@register_model_view(Recommendation, "list", path="", detail=False)
class RecommendationListView(EgovListView):
    queryset = Recommendation.objects.all()
    filterset = filtersets.RecommendationFilterSet
    filterset_form = forms.RecommendationFilterForm
    table = tables.RecommendationTable


@register_model_view(Recommendation)
class RecommendationView(EgovObjectView):
    queryset = Recommendation.objects.all()
    layout = detail_layout(
        panels.RecommendationPanel(),
        panels.RecommendationDecisionPanel(),
        right=[panels.RecommendationWorkflowPanel()],
        bottom=[objects_table("netbox_egov.recommendationitem", "recommendation_id", _("Items"))],
    )


@register_model_view(Recommendation, "add", detail=False)
@register_model_view(Recommendation, "edit")
class RecommendationEditView(generic.ObjectEditView):
    queryset = Recommendation.objects.all()
    form = forms.RecommendationForm


@register_model_view(Recommendation, "delete")
class RecommendationDeleteView(generic.ObjectDeleteView):
    queryset = Recommendation.objects.all()


@register_model_view(Recommendation, "bulk_import", path="import", detail=False)
class RecommendationBulkImportView(EveryBadRecordImportView):
    queryset = Recommendation.objects.all()
    model_form = forms.RecommendationImportForm


@register_model_view(Recommendation, "bulk_edit", path="edit", detail=False)
class RecommendationBulkEditView(generic.BulkEditView):
    queryset = Recommendation.objects.all()
    filterset = filtersets.RecommendationFilterSet
    table = tables.RecommendationTable
    form = forms.RecommendationBulkEditForm


@register_model_view(Recommendation, "bulk_delete", path="delete", detail=False)
class RecommendationBulkDeleteView(generic.BulkDeleteView):
    queryset = Recommendation.objects.all()
    filterset = filtersets.RecommendationFilterSet
    table = tables.RecommendationTable


#
# Recommendation items
#

@register_model_view(RecommendationItem, "list", path="", detail=False)
class RecommendationItemListView(EgovListView):
    queryset = RecommendationItem.objects.all()
    filterset = filtersets.RecommendationItemFilterSet
    filterset_form = forms.RecommendationItemFilterForm
    table = tables.RecommendationItemTable


@register_model_view(RecommendationItem)
class RecommendationItemView(EgovObjectView):
    queryset = RecommendationItem.objects.all()
    layout = detail_layout(panels.RecommendationItemPanel())


@register_model_view(RecommendationItem, "add", detail=False)
@register_model_view(RecommendationItem, "edit")
class RecommendationItemEditView(generic.ObjectEditView):
    queryset = RecommendationItem.objects.all()
    form = forms.RecommendationItemForm


@register_model_view(RecommendationItem, "delete")
class RecommendationItemDeleteView(generic.ObjectDeleteView):
    queryset = RecommendationItem.objects.all()


@register_model_view(RecommendationItem, "bulk_import", path="import", detail=False)
class RecommendationItemBulkImportView(EveryBadRecordImportView):
    queryset = RecommendationItem.objects.all()
    model_form = forms.RecommendationItemImportForm


@register_model_view(RecommendationItem, "bulk_edit", path="edit", detail=False)
class RecommendationItemBulkEditView(generic.BulkEditView):
    queryset = RecommendationItem.objects.all()
    filterset = filtersets.RecommendationItemFilterSet
    table = tables.RecommendationItemTable
    form = forms.RecommendationItemBulkEditForm


@register_model_view(RecommendationItem, "bulk_delete", path="delete", detail=False)
class RecommendationItemBulkDeleteView(generic.BulkDeleteView):
    queryset = RecommendationItem.objects.all()
    filterset = filtersets.RecommendationItemFilterSet
    table = tables.RecommendationItemTable


class RecommendationTransitionView(ConditionalLoginRequiredMixin, View):
    """POST a workflow step. The object is looked up among those the user may act on for that step:
    change for submit (the agency's own draft), the custom `approve` action for approve and reject."""

    def post(self, request, pk, transition):
        if transition not in WORKFLOW_PERMISSIONS:
            raise Http404
        queryset = Recommendation.objects.restrict(request.user, workflow_permission(transition))
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
