"""The Pasal 9 registry's pages: NetBox's standard views for each registry model."""

from django.utils.translation import gettext_lazy as _

from netbox.views import generic
from utilities.views import register_model_view

from .. import filtersets, forms, tables
from ..models import (
    BackboneLink,
    DRPlan,
    InformationSystem,
    PublicIPAllocation,
    Repository,
    SecurityAssessment,
    SecuritySystem,
    Uplink,
    UplinkAssignment,
)
from ..ui import panels
from .base import EgovListView, EgovObjectView, EveryBadRecordImportView, detail_layout, objects_table

# Whether a system sits in a data center and is covered by a DR plan: annotated in the same query, for every
# view that lists or shows systems.
INFORMATION_SYSTEMS = InformationSystem.with_placement(InformationSystem.objects.all())


#
# Backbone links
#

@register_model_view(BackboneLink, "list", path="", detail=False)
class BackboneLinkListView(EgovListView):
    queryset = BackboneLink.objects.all()
    filterset = filtersets.BackboneLinkFilterSet
    filterset_form = forms.BackboneLinkFilterForm
    table = tables.BackboneLinkTable


@register_model_view(BackboneLink)
class BackboneLinkView(EgovObjectView):
    queryset = BackboneLink.objects.all()
    layout = detail_layout(panels.BackboneLinkPanel())


@register_model_view(BackboneLink, "add", detail=False)
@register_model_view(BackboneLink, "edit")
class BackboneLinkEditView(generic.ObjectEditView):
    queryset = BackboneLink.objects.all()
    form = forms.BackboneLinkForm


@register_model_view(BackboneLink, "delete")
class BackboneLinkDeleteView(generic.ObjectDeleteView):
    queryset = BackboneLink.objects.all()


@register_model_view(BackboneLink, "bulk_import", path="import", detail=False)
class BackboneLinkBulkImportView(EveryBadRecordImportView):
    queryset = BackboneLink.objects.all()
    model_form = forms.BackboneLinkImportForm


@register_model_view(BackboneLink, "bulk_edit", path="edit", detail=False)
class BackboneLinkBulkEditView(generic.BulkEditView):
    queryset = BackboneLink.objects.all()
    filterset = filtersets.BackboneLinkFilterSet
    table = tables.BackboneLinkTable
    form = forms.BackboneLinkBulkEditForm


@register_model_view(BackboneLink, "bulk_delete", path="delete", detail=False)
class BackboneLinkBulkDeleteView(generic.BulkDeleteView):
    queryset = BackboneLink.objects.all()
    filterset = filtersets.BackboneLinkFilterSet
    table = tables.BackboneLinkTable


#
# DR plans
#

@register_model_view(DRPlan, "list", path="", detail=False)
class DRPlanListView(EgovListView):
    queryset = DRPlan.objects.all()
    filterset = filtersets.DRPlanFilterSet
    filterset_form = forms.DRPlanFilterForm
    table = tables.DRPlanTable


@register_model_view(DRPlan)
class DRPlanView(EgovObjectView):
    queryset = DRPlan.objects.all()
    layout = detail_layout(
        panels.DRPlanPanel(),
        panels.DRDrillPanel(),
        bottom=[objects_table("netbox_egov.informationsystem", "dr_plan_id", _("Information systems covered"))],
    )


@register_model_view(DRPlan, "add", detail=False)
@register_model_view(DRPlan, "edit")
class DRPlanEditView(generic.ObjectEditView):
    queryset = DRPlan.objects.all()
    form = forms.DRPlanForm


@register_model_view(DRPlan, "delete")
class DRPlanDeleteView(generic.ObjectDeleteView):
    queryset = DRPlan.objects.all()


@register_model_view(DRPlan, "bulk_import", path="import", detail=False)
class DRPlanBulkImportView(EveryBadRecordImportView):
    queryset = DRPlan.objects.all()
    model_form = forms.DRPlanImportForm


@register_model_view(DRPlan, "bulk_edit", path="edit", detail=False)
class DRPlanBulkEditView(generic.BulkEditView):
    queryset = DRPlan.objects.all()
    filterset = filtersets.DRPlanFilterSet
    table = tables.DRPlanTable
    form = forms.DRPlanBulkEditForm


@register_model_view(DRPlan, "bulk_delete", path="delete", detail=False)
class DRPlanBulkDeleteView(generic.BulkDeleteView):
    queryset = DRPlan.objects.all()
    filterset = filtersets.DRPlanFilterSet
    table = tables.DRPlanTable


#
# Information systems
#

@register_model_view(InformationSystem, "list", path="", detail=False)
class InformationSystemListView(EgovListView):
    queryset = INFORMATION_SYSTEMS
    filterset = filtersets.InformationSystemFilterSet
    filterset_form = forms.InformationSystemFilterForm
    table = tables.InformationSystemTable


@register_model_view(InformationSystem)
class InformationSystemView(EgovObjectView):
    queryset = INFORMATION_SYSTEMS
    layout = detail_layout(
        panels.InformationSystemPanel(),
        bottom=[
            objects_table("netbox_egov.securityassessment", "information_system_id", _("Security assessments")),
            objects_table("netbox_egov.publicipallocation", "information_system_id", _("Public IP allocations")),
        ],
    )


@register_model_view(InformationSystem, "add", detail=False)
@register_model_view(InformationSystem, "edit")
class InformationSystemEditView(generic.ObjectEditView):
    queryset = INFORMATION_SYSTEMS
    form = forms.InformationSystemForm


@register_model_view(InformationSystem, "delete")
class InformationSystemDeleteView(generic.ObjectDeleteView):
    queryset = INFORMATION_SYSTEMS


@register_model_view(InformationSystem, "bulk_import", path="import", detail=False)
class InformationSystemBulkImportView(EveryBadRecordImportView):
    queryset = INFORMATION_SYSTEMS
    model_form = forms.InformationSystemImportForm


@register_model_view(InformationSystem, "bulk_edit", path="edit", detail=False)
class InformationSystemBulkEditView(generic.BulkEditView):
    queryset = INFORMATION_SYSTEMS
    filterset = filtersets.InformationSystemFilterSet
    table = tables.InformationSystemTable
    form = forms.InformationSystemBulkEditForm


@register_model_view(InformationSystem, "bulk_delete", path="delete", detail=False)
class InformationSystemBulkDeleteView(generic.BulkDeleteView):
    queryset = INFORMATION_SYSTEMS
    filterset = filtersets.InformationSystemFilterSet
    table = tables.InformationSystemTable


#
# Public IP allocations
#

@register_model_view(PublicIPAllocation, "list", path="", detail=False)
class PublicIPAllocationListView(EgovListView):
    queryset = PublicIPAllocation.objects.all()
    filterset = filtersets.PublicIPAllocationFilterSet
    filterset_form = forms.PublicIPAllocationFilterForm
    table = tables.PublicIPAllocationTable


@register_model_view(PublicIPAllocation)
class PublicIPAllocationView(EgovObjectView):
    queryset = PublicIPAllocation.objects.all()
    layout = detail_layout(panels.PublicIPAllocationPanel())


@register_model_view(PublicIPAllocation, "add", detail=False)
@register_model_view(PublicIPAllocation, "edit")
class PublicIPAllocationEditView(generic.ObjectEditView):
    queryset = PublicIPAllocation.objects.all()
    form = forms.PublicIPAllocationForm


@register_model_view(PublicIPAllocation, "delete")
class PublicIPAllocationDeleteView(generic.ObjectDeleteView):
    queryset = PublicIPAllocation.objects.all()


@register_model_view(PublicIPAllocation, "bulk_import", path="import", detail=False)
class PublicIPAllocationBulkImportView(EveryBadRecordImportView):
    queryset = PublicIPAllocation.objects.all()
    model_form = forms.PublicIPAllocationImportForm


@register_model_view(PublicIPAllocation, "bulk_edit", path="edit", detail=False)
class PublicIPAllocationBulkEditView(generic.BulkEditView):
    queryset = PublicIPAllocation.objects.all()
    filterset = filtersets.PublicIPAllocationFilterSet
    table = tables.PublicIPAllocationTable
    form = forms.PublicIPAllocationBulkEditForm


@register_model_view(PublicIPAllocation, "bulk_delete", path="delete", detail=False)
class PublicIPAllocationBulkDeleteView(generic.BulkDeleteView):
    queryset = PublicIPAllocation.objects.all()
    filterset = filtersets.PublicIPAllocationFilterSet
    table = tables.PublicIPAllocationTable


#
# Uplinks
#

@register_model_view(Uplink, "list", path="", detail=False)
class UplinkListView(EgovListView):
    queryset = Uplink.objects.all()
    filterset = filtersets.UplinkFilterSet
    filterset_form = forms.UplinkFilterForm
    table = tables.UplinkTable


@register_model_view(Uplink)
class UplinkView(EgovObjectView):
    queryset = Uplink.objects.all()
    layout = detail_layout(
        panels.UplinkPanel(),
        bottom=[objects_table("netbox_egov.uplinkassignment", "uplink_id", _("Agencies egressing here"))],
    )


@register_model_view(Uplink, "add", detail=False)
@register_model_view(Uplink, "edit")
class UplinkEditView(generic.ObjectEditView):
    queryset = Uplink.objects.all()
    form = forms.UplinkForm


@register_model_view(Uplink, "delete")
class UplinkDeleteView(generic.ObjectDeleteView):
    queryset = Uplink.objects.all()


@register_model_view(Uplink, "bulk_import", path="import", detail=False)
class UplinkBulkImportView(EveryBadRecordImportView):
    queryset = Uplink.objects.all()
    model_form = forms.UplinkImportForm


@register_model_view(Uplink, "bulk_edit", path="edit", detail=False)
class UplinkBulkEditView(generic.BulkEditView):
    queryset = Uplink.objects.all()
    filterset = filtersets.UplinkFilterSet
    table = tables.UplinkTable
    form = forms.UplinkBulkEditForm


@register_model_view(Uplink, "bulk_delete", path="delete", detail=False)
class UplinkBulkDeleteView(generic.BulkDeleteView):
    queryset = Uplink.objects.all()
    filterset = filtersets.UplinkFilterSet
    table = tables.UplinkTable


#
# Uplink assignments
#

@register_model_view(UplinkAssignment, "list", path="", detail=False)
class UplinkAssignmentListView(EgovListView):
    queryset = UplinkAssignment.objects.all()
    filterset = filtersets.UplinkAssignmentFilterSet
    filterset_form = forms.UplinkAssignmentFilterForm
    table = tables.UplinkAssignmentTable


@register_model_view(UplinkAssignment)
class UplinkAssignmentView(EgovObjectView):
    queryset = UplinkAssignment.objects.all()
    layout = detail_layout(panels.UplinkAssignmentPanel())


@register_model_view(UplinkAssignment, "add", detail=False)
@register_model_view(UplinkAssignment, "edit")
class UplinkAssignmentEditView(generic.ObjectEditView):
    queryset = UplinkAssignment.objects.all()
    form = forms.UplinkAssignmentForm


@register_model_view(UplinkAssignment, "delete")
class UplinkAssignmentDeleteView(generic.ObjectDeleteView):
    queryset = UplinkAssignment.objects.all()


@register_model_view(UplinkAssignment, "bulk_import", path="import", detail=False)
class UplinkAssignmentBulkImportView(EveryBadRecordImportView):
    queryset = UplinkAssignment.objects.all()
    model_form = forms.UplinkAssignmentImportForm


@register_model_view(UplinkAssignment, "bulk_edit", path="edit", detail=False)
class UplinkAssignmentBulkEditView(generic.BulkEditView):
    queryset = UplinkAssignment.objects.all()
    filterset = filtersets.UplinkAssignmentFilterSet
    table = tables.UplinkAssignmentTable
    form = forms.UplinkAssignmentBulkEditForm


@register_model_view(UplinkAssignment, "bulk_delete", path="delete", detail=False)
class UplinkAssignmentBulkDeleteView(generic.BulkDeleteView):
    queryset = UplinkAssignment.objects.all()
    filterset = filtersets.UplinkAssignmentFilterSet
    table = tables.UplinkAssignmentTable


#
# Security systems
#

@register_model_view(SecuritySystem, "list", path="", detail=False)
class SecuritySystemListView(EgovListView):
    queryset = SecuritySystem.objects.all()
    filterset = filtersets.SecuritySystemFilterSet
    filterset_form = forms.SecuritySystemFilterForm
    table = tables.SecuritySystemTable


@register_model_view(SecuritySystem)
class SecuritySystemView(EgovObjectView):
    queryset = SecuritySystem.objects.all()
    layout = detail_layout(panels.SecuritySystemPanel())


@register_model_view(SecuritySystem, "add", detail=False)
@register_model_view(SecuritySystem, "edit")
class SecuritySystemEditView(generic.ObjectEditView):
    queryset = SecuritySystem.objects.all()
    form = forms.SecuritySystemForm


@register_model_view(SecuritySystem, "delete")
class SecuritySystemDeleteView(generic.ObjectDeleteView):
    queryset = SecuritySystem.objects.all()


@register_model_view(SecuritySystem, "bulk_import", path="import", detail=False)
class SecuritySystemBulkImportView(EveryBadRecordImportView):
    queryset = SecuritySystem.objects.all()
    model_form = forms.SecuritySystemImportForm


@register_model_view(SecuritySystem, "bulk_edit", path="edit", detail=False)
class SecuritySystemBulkEditView(generic.BulkEditView):
    queryset = SecuritySystem.objects.all()
    filterset = filtersets.SecuritySystemFilterSet
    table = tables.SecuritySystemTable
    form = forms.SecuritySystemBulkEditForm


@register_model_view(SecuritySystem, "bulk_delete", path="delete", detail=False)
class SecuritySystemBulkDeleteView(generic.BulkDeleteView):
    queryset = SecuritySystem.objects.all()
    filterset = filtersets.SecuritySystemFilterSet
    table = tables.SecuritySystemTable


#
# Security assessments
#

@register_model_view(SecurityAssessment, "list", path="", detail=False)
class SecurityAssessmentListView(EgovListView):
    queryset = SecurityAssessment.objects.all()
    filterset = filtersets.SecurityAssessmentFilterSet
    filterset_form = forms.SecurityAssessmentFilterForm
    table = tables.SecurityAssessmentTable


@register_model_view(SecurityAssessment)
class SecurityAssessmentView(EgovObjectView):
    queryset = SecurityAssessment.objects.all()
    layout = detail_layout(panels.SecurityAssessmentPanel())


@register_model_view(SecurityAssessment, "add", detail=False)
@register_model_view(SecurityAssessment, "edit")
class SecurityAssessmentEditView(generic.ObjectEditView):
    queryset = SecurityAssessment.objects.all()
    form = forms.SecurityAssessmentForm


@register_model_view(SecurityAssessment, "delete")
class SecurityAssessmentDeleteView(generic.ObjectDeleteView):
    queryset = SecurityAssessment.objects.all()


@register_model_view(SecurityAssessment, "bulk_import", path="import", detail=False)
class SecurityAssessmentBulkImportView(EveryBadRecordImportView):
    queryset = SecurityAssessment.objects.all()
    model_form = forms.SecurityAssessmentImportForm


@register_model_view(SecurityAssessment, "bulk_edit", path="edit", detail=False)
class SecurityAssessmentBulkEditView(generic.BulkEditView):
    queryset = SecurityAssessment.objects.all()
    filterset = filtersets.SecurityAssessmentFilterSet
    table = tables.SecurityAssessmentTable
    form = forms.SecurityAssessmentBulkEditForm


@register_model_view(SecurityAssessment, "bulk_delete", path="delete", detail=False)
class SecurityAssessmentBulkDeleteView(generic.BulkDeleteView):
    queryset = SecurityAssessment.objects.all()
    filterset = filtersets.SecurityAssessmentFilterSet
    table = tables.SecurityAssessmentTable


#
# Repositories
#

@register_model_view(Repository, "list", path="", detail=False)
class RepositoryListView(EgovListView):
    queryset = Repository.objects.all()
    filterset = filtersets.RepositoryFilterSet
    filterset_form = forms.RepositoryFilterForm
    table = tables.RepositoryTable


@register_model_view(Repository)
class RepositoryView(EgovObjectView):
    queryset = Repository.objects.all()
    layout = detail_layout(panels.RepositoryPanel())


@register_model_view(Repository, "add", detail=False)
@register_model_view(Repository, "edit")
class RepositoryEditView(generic.ObjectEditView):
    queryset = Repository.objects.all()
    form = forms.RepositoryForm


@register_model_view(Repository, "delete")
class RepositoryDeleteView(generic.ObjectDeleteView):
    queryset = Repository.objects.all()


@register_model_view(Repository, "bulk_import", path="import", detail=False)
class RepositoryBulkImportView(EveryBadRecordImportView):
    queryset = Repository.objects.all()
    model_form = forms.RepositoryImportForm


@register_model_view(Repository, "bulk_edit", path="edit", detail=False)
class RepositoryBulkEditView(generic.BulkEditView):
    queryset = Repository.objects.all()
    filterset = filtersets.RepositoryFilterSet
    table = tables.RepositoryTable
    form = forms.RepositoryBulkEditForm


@register_model_view(Repository, "bulk_delete", path="delete", detail=False)
class RepositoryBulkDeleteView(generic.BulkDeleteView):
    queryset = Repository.objects.all()
    filterset = filtersets.RepositoryFilterSet
    table = tables.RepositoryTable
