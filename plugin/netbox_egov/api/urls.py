"""REST endpoints under /api/plugins/egov/: the names are the contract other parts use."""

from django.urls import path

from netbox.api.routers import NetBoxRouter

from . import sd, views

router = NetBoxRouter()
router.register("dr-plans", views.DRPlanViewSet)
router.register("backbone-links", views.BackboneLinkViewSet)
router.register("public-ip-allocations", views.PublicIPAllocationViewSet)
router.register("uplinks", views.UplinkViewSet)
router.register("uplink-assignments", views.UplinkAssignmentViewSet)
router.register("security-systems", views.SecuritySystemViewSet)
router.register("security-assessments", views.SecurityAssessmentViewSet)
router.register("information-systems", views.InformationSystemViewSet)
router.register("repositories", views.RepositoryViewSet)
router.register("schedules", views.ScheduleViewSet)
router.register("bandwidth-quotas", views.BandwidthQuotaViewSet)
router.register("quota-usage", views.QuotaUsageViewSet)
router.register("recommendations", views.RecommendationViewSet)
router.register("recommendation-items", views.RecommendationItemViewSet)
router.register("label-schemes", views.LabelSchemeViewSet)
router.register("domain-lists", views.DomainListViewSet)
router.register("filter-policies", views.FilterPolicyViewSet)
router.register("pushes", views.PushViewSet)
router.register("findings", views.FindingViewSet)

urlpatterns = [
    *router.urls,
    path("cable-label-sheet/", views.CableLabelSheetView.as_view(), name="cable_label_sheet"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compiled-filter/<str:syntax>/", views.CompiledFilterView.as_view(), name="compiled_filter"),
    path("prometheus-sd/devices/", sd.DeviceTargetsView.as_view(), name="prometheus_sd_devices"),
    path("prometheus-sd/exporters/", sd.ExporterTargetsView.as_view(), name="prometheus_sd_exporters"),
]
