"""Page URLs under /plugins/egov/: the reports and actions below, and each model's views as registered with
register_model_view in the views package."""

from django.urls import include, path

from utilities.urls import get_model_urls

from .views import agencies, cable_labels, enforcement, recommendations, reports

# URL segment per registry model (the API uses the same names).
MODEL_PATHS = {
    "drplan": "dr-plans",
    "backbonelink": "backbone-links",
    "publicipallocation": "public-ip-allocations",
    "uplink": "uplinks",
    "uplinkassignment": "uplink-assignments",
    "securitysystem": "security-systems",
    "securityassessment": "security-assessments",
    "informationsystem": "information-systems",
    "repository": "repositories",
    "schedule": "schedules",
    "bandwidthquota": "bandwidth-quotas",
    "quotausage": "quota-usage",
    "recommendation": "recommendations",
    "recommendationitem": "recommendation-items",
    "labelscheme": "label-schemes",
    "domainlist": "domain-lists",
    "filterpolicy": "filter-policies",
    "push": "pushes",
    "finding": "findings",
}

urlpatterns = [
    path("agencies/", agencies.AgencyListView.as_view(), name="agency_list"),
    path("backbone/map/", reports.BackboneMapView.as_view(), name="backbone_map"),
    path("backbone/reachability/", reports.BackboneReachabilityView.as_view(), name="backbone_reachability"),
    path("public-ip-allocations/unallocated/", reports.UnallocatedPublicSpaceView.as_view(),
         name="unallocated_public_space"),
    path("bandwidth-quotas/oversubscription/", reports.OversubscriptionView.as_view(), name="oversubscription"),
    path("recommendations/<int:pk>/workflow/<str:transition>/", recommendations.RecommendationTransitionView.as_view(),
         name="recommendation_transition"),
    path("recommendations/uncovered-devices/", reports.UncoveredDevicesView.as_view(), name="uncovered_devices"),
    path("cable-labels/", cable_labels.CableLabelsView.as_view(), name="cable_labels"),
    path("pushes/request/", enforcement.PushRequestView.as_view(), name="push_request"),
    path("compliance/", reports.ComplianceView.as_view(), name="compliance"),
    path("cable-labels/sheet.pdf", cable_labels.CableLabelSheetPDFView.as_view(), name="cable_label_sheet"),
]
for model_name, segment in MODEL_PATHS.items():
    urlpatterns += [
        path(f"{segment}/", include(get_model_urls("netbox_egov", model_name, detail=False))),
        path(f"{segment}/<int:pk>/", include(get_model_urls("netbox_egov", model_name))),
    ]
