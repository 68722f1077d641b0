"""Bandwidth quotas (Pasal 10): the pages of schedules, quotas and quota usage."""

from netbox.views import generic
from utilities.views import register_model_view

from .. import filtersets, forms, tables
from ..models import BandwidthQuota, QuotaUsage, Schedule
from ..ui import panels
from .base import EgovListView, EgovObjectView, EveryBadRecordImportView, detail_layout

# The state column reads the agency's quota: fetched with the rows, not per row.
QUOTA_USAGE = QuotaUsage.objects.select_related("tenant__bandwidth_quota")


#
# Schedules
#

@register_model_view(Schedule, "list", path="", detail=False)
class ScheduleListView(EgovListView):
    queryset = Schedule.objects.all()
    filterset = filtersets.ScheduleFilterSet
    filterset_form = forms.ScheduleFilterForm
    table = tables.ScheduleTable


@register_model_view(Schedule)
class ScheduleView(EgovObjectView):
    queryset = Schedule.objects.all()
    layout = detail_layout(panels.SchedulePanel())


@register_model_view(Schedule, "add", detail=False)
@register_model_view(Schedule, "edit")
class ScheduleEditView(generic.ObjectEditView):
    queryset = Schedule.objects.all()
    form = forms.ScheduleForm


@register_model_view(Schedule, "delete")
class ScheduleDeleteView(generic.ObjectDeleteView):
    queryset = Schedule.objects.all()


@register_model_view(Schedule, "bulk_import", path="import", detail=False)
class ScheduleBulkImportView(EveryBadRecordImportView):
    queryset = Schedule.objects.all()
    model_form = forms.ScheduleImportForm


@register_model_view(Schedule, "bulk_edit", path="edit", detail=False)
class ScheduleBulkEditView(generic.BulkEditView):
    queryset = Schedule.objects.all()
    filterset = filtersets.ScheduleFilterSet
    table = tables.ScheduleTable
    form = forms.ScheduleBulkEditForm


@register_model_view(Schedule, "bulk_delete", path="delete", detail=False)
class ScheduleBulkDeleteView(generic.BulkDeleteView):
    queryset = Schedule.objects.all()
    filterset = filtersets.ScheduleFilterSet
    table = tables.ScheduleTable


#
# Bandwidth quotas
#

@register_model_view(BandwidthQuota, "list", path="", detail=False)
class BandwidthQuotaListView(EgovListView):
    queryset = BandwidthQuota.objects.all()
    filterset = filtersets.BandwidthQuotaFilterSet
    filterset_form = forms.BandwidthQuotaFilterForm
    table = tables.BandwidthQuotaTable


@register_model_view(BandwidthQuota)
class BandwidthQuotaView(EgovObjectView):
    queryset = BandwidthQuota.objects.all()
    layout = detail_layout(
        panels.BandwidthQuotaPanel(), panels.QuotaVolumePanel(),
        right=[panels.QuotaEnforcementPanel(), panels.PushRequestPanel()],
    )


@register_model_view(BandwidthQuota, "add", detail=False)
@register_model_view(BandwidthQuota, "edit")
class BandwidthQuotaEditView(generic.ObjectEditView):
    queryset = BandwidthQuota.objects.all()
    form = forms.BandwidthQuotaForm


@register_model_view(BandwidthQuota, "delete")
class BandwidthQuotaDeleteView(generic.ObjectDeleteView):
    queryset = BandwidthQuota.objects.all()


@register_model_view(BandwidthQuota, "bulk_import", path="import", detail=False)
class BandwidthQuotaBulkImportView(EveryBadRecordImportView):
    queryset = BandwidthQuota.objects.all()
    model_form = forms.BandwidthQuotaImportForm


@register_model_view(BandwidthQuota, "bulk_edit", path="edit", detail=False)
class BandwidthQuotaBulkEditView(generic.BulkEditView):
    queryset = BandwidthQuota.objects.all()
    filterset = filtersets.BandwidthQuotaFilterSet
    table = tables.BandwidthQuotaTable
    form = forms.BandwidthQuotaBulkEditForm


@register_model_view(BandwidthQuota, "bulk_delete", path="delete", detail=False)
class BandwidthQuotaBulkDeleteView(generic.BulkDeleteView):
    queryset = BandwidthQuota.objects.all()
    filterset = filtersets.BandwidthQuotaFilterSet
    table = tables.BandwidthQuotaTable


#
# Quota usage
#

@register_model_view(QuotaUsage, "list", path="", detail=False)
class QuotaUsageListView(EgovListView):
    queryset = QUOTA_USAGE
    filterset = filtersets.QuotaUsageFilterSet
    filterset_form = forms.QuotaUsageFilterForm
    table = tables.QuotaUsageTable


@register_model_view(QuotaUsage)
class QuotaUsageView(EgovObjectView):
    queryset = QUOTA_USAGE
    layout = detail_layout(panels.QuotaUsagePanel())


@register_model_view(QuotaUsage, "add", detail=False)
@register_model_view(QuotaUsage, "edit")
class QuotaUsageEditView(generic.ObjectEditView):
    queryset = QUOTA_USAGE
    form = forms.QuotaUsageForm


@register_model_view(QuotaUsage, "delete")
class QuotaUsageDeleteView(generic.ObjectDeleteView):
    queryset = QUOTA_USAGE


@register_model_view(QuotaUsage, "bulk_import", path="import", detail=False)
class QuotaUsageBulkImportView(EveryBadRecordImportView):
    queryset = QUOTA_USAGE
    model_form = forms.QuotaUsageImportForm


@register_model_view(QuotaUsage, "bulk_edit", path="edit", detail=False)
class QuotaUsageBulkEditView(generic.BulkEditView):
    queryset = QUOTA_USAGE
    filterset = filtersets.QuotaUsageFilterSet
    table = tables.QuotaUsageTable
    form = forms.QuotaUsageBulkEditForm


@register_model_view(QuotaUsage, "bulk_delete", path="delete", detail=False)
class QuotaUsageBulkDeleteView(generic.BulkDeleteView):
    queryset = QUOTA_USAGE
    filterset = filtersets.QuotaUsageFilterSet
    table = tables.QuotaUsageTable
