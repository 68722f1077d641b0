"""REST API viewsets; NetBox restricts each queryset to the token's permissions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import JobSerializer
from core.choices import JobStatusChoices
from dcim.models import Device
from netbox.api.authentication import IsAuthenticatedOrLoginNotRequired, TokenPermissions
from netbox.api.viewsets import NetBoxModelViewSet
from tenancy.models import Tenant

from .. import cable_labels, compliance, filtersets, models, pushes, usage
from ..agencies import agency_tenants
from ..choices import PushModeChoices
from ..jobs import import_domains, refresh_feed_now
from ..logic.domains import COMPILERS
from ..recommendations import workflow_permission
from ..reconciliation.accept import AcceptRefused
from ..reconciliation.accept import accept as accept_finding
from ..reconciliation.report import ReportRefused, apply_report, shown
from ..site_filter import compiling, storage
from . import serializers


class EgovModelViewSet(NetBoxModelViewSet):
    """The plugin's viewsets: an id in the URL is digits, so a detail route or a custom action given anything
    else (`null`, `abc`) is a 404 naming it, before a lookup that would fail on it. (Checked here rather than
    with lookup_value_regex, which would turn the schema's integer `id` into a string with a pattern.)"""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lookup = kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if lookup is not None and not (lookup.isascii() and lookup.isdigit()):
            raise NotFound(f"id: {lookup!r} is not an id")


class BackboneLinkViewSet(EgovModelViewSet):
    queryset = models.BackboneLink.objects.select_related("site_a", "site_b", "circuit__provider", "cable")
    serializer_class = serializers.BackboneLinkSerializer
    filterset_class = filtersets.BackboneLinkFilterSet


class DRPlanViewSet(EgovModelViewSet):
    queryset = models.DRPlan.objects.select_related("primary_site", "dr_site").prefetch_related(
        "replication_circuits__provider", "replication_links", "information_systems"
    )
    serializer_class = serializers.DRPlanSerializer
    filterset_class = filtersets.DRPlanFilterSet


class InformationSystemViewSet(EgovModelViewSet):
    queryset = models.InformationSystem.with_placement(
        models.InformationSystem.objects.select_related("tenant", "site").prefetch_related(
            "devices", "virtual_machines"
        )
    )
    serializer_class = serializers.InformationSystemSerializer
    filterset_class = filtersets.InformationSystemFilterSet


class PublicIPAllocationViewSet(EgovModelViewSet):
    queryset = models.PublicIPAllocation.objects.select_related(
        "tenant", "prefix", "ip_range", "information_system", "approver"
    )
    serializer_class = serializers.PublicIPAllocationSerializer
    filterset_class = filtersets.PublicIPAllocationFilterSet


class UplinkViewSet(EgovModelViewSet):
    queryset = models.Uplink.objects.select_related("circuit__provider").prefetch_related("announced_prefixes")
    serializer_class = serializers.UplinkSerializer
    filterset_class = filtersets.UplinkFilterSet


class UplinkAssignmentViewSet(EgovModelViewSet):
    queryset = models.UplinkAssignment.objects.select_related("uplink", "tenant")
    serializer_class = serializers.UplinkAssignmentSerializer
    filterset_class = filtersets.UplinkAssignmentFilterSet


class SecuritySystemViewSet(EgovModelViewSet):
    queryset = models.SecuritySystem.objects.select_related("device", "virtual_machine").prefetch_related(
        "protected_sites", "protected_prefixes"
    )
    serializer_class = serializers.SecuritySystemSerializer
    filterset_class = filtersets.SecuritySystemFilterSet


class SecurityAssessmentViewSet(EgovModelViewSet):
    queryset = models.SecurityAssessment.objects.select_related("information_system")
    serializer_class = serializers.SecurityAssessmentSerializer
    filterset_class = filtersets.SecurityAssessmentFilterSet


class RepositoryViewSet(EgovModelViewSet):
    queryset = models.Repository.objects.select_related("device", "virtual_machine")
    serializer_class = serializers.RepositorySerializer
    filterset_class = filtersets.RepositoryFilterSet


class ScheduleViewSet(EgovModelViewSet):
    queryset = models.Schedule.objects.all()
    serializer_class = serializers.ScheduleSerializer
    filterset_class = filtersets.ScheduleFilterSet


class BandwidthQuotaViewSet(EgovModelViewSet):
    queryset = models.BandwidthQuota.objects.select_related(
        "tenant", "schedule", "uplink", "enforcement_device", "enforcement_interface__device"
    ).prefetch_related("prefixes")
    serializer_class = serializers.BandwidthQuotaSerializer
    filterset_class = filtersets.BandwidthQuotaFilterSet


class QuotaUsageViewSet(EgovModelViewSet):
    """Quota usage per agency and period.

    Collectors write through `POST upsert/`, never through plain create: each
    item carries the absolute totals of one agency for one period (`day` or
    `month`) as one `source` measured them at `observed_at`. The key is
    (tenant, period, period_start, source). A write whose `observed_at` is not
    newer than the stored one changes nothing, so a retried or reordered write
    never counts twice. The body is one object or a list; the whole list is
    applied or nothing is (one transaction). Needs add and change permission.
    """

    queryset = models.QuotaUsage.objects.select_related("tenant__bandwidth_quota")
    serializer_class = serializers.QuotaUsageSerializer
    filterset_class = filtersets.QuotaUsageFilterSet

    @extend_schema(request=serializers.QuotaUsageUpsertSerializer(many=True),
                   responses=serializers.QuotaUsageSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="upsert")
    def upsert(self, request):
        many = isinstance(request.data, list)
        incoming = serializers.QuotaUsageUpsertSerializer(data=request.data, many=many,
                                                          context={"request": request})
        incoming.is_valid(raise_exception=True)
        items = incoming.validated_data if many else [incoming.validated_data]
        allowed = {
            action: models.QuotaUsage.objects.restrict(request.user, action) for action in ("add", "change")
        }
        try:
            with transaction.atomic():
                rows = [usage.upsert(item, allowed) for item in items]
        except ValidationError as refusal:  # the model's own rules, checked on save
            raise DRFValidationError(refusal.message_dict) from refusal
        output = self.get_serializer(rows, many=True)
        return Response(output.data if many else output.data[0], status=status.HTTP_200_OK)


class WorkflowPermissions(TokenPermissions):
    """A transition is a POST that changes an object rather than adding one: here it needs only view on the
    model (and a write-enabled token); the action then finds the object among those the user may change
    (submit) or approve (approve, reject)."""

    perms_map = {**TokenPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class RecommendationViewSet(EgovModelViewSet):
    """Recommendations. Transitions: POST <id>/submit/ (needs change), <id>/approve/ with
    {"valid_until": date} and <id>/reject/ with {"reason": text} (both need the `approve` action)."""

    queryset = models.Recommendation.objects.select_related("tenant", "decided_by")
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filtersets.RecommendationFilterSet

    def _transition(self, request, pk, name):
        body = serializers.RecommendationDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action_needed = workflow_permission(name)
        recommendation = get_object_or_404(models.Recommendation.objects.restrict(request.user, action_needed), pk=pk)
        try:
            recommendation.transition(name, request.user, valid_until=body.validated_data.get("valid_until"),
                                      reason=body.validated_data["reason"])
        except ValidationError as refusal:
            raise DRFValidationError(refusal.message_dict) from refusal
        return Response(self.get_serializer(recommendation).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[WorkflowPermissions])
    def submit(self, request, pk):
        return self._transition(request, pk, "submit")

    @extend_schema(request=serializers.RecommendationDecisionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[WorkflowPermissions])
    def approve(self, request, pk):
        return self._transition(request, pk, "approve")

    @extend_schema(request=serializers.RecommendationDecisionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[WorkflowPermissions])
    def reject(self, request, pk):
        return self._transition(request, pk, "reject")


class RecommendationItemViewSet(EgovModelViewSet):
    queryset = models.RecommendationItem.objects.select_related("recommendation", "device", "device_type", "site")
    serializer_class = serializers.RecommendationItemSerializer
    filterset_class = filtersets.RecommendationItemFilterSet


class LabelSchemeViewSet(EgovModelViewSet):
    queryset = models.LabelScheme.objects.all()
    serializer_class = serializers.LabelSchemeSerializer
    filterset_class = filtersets.LabelSchemeFilterSet

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Templates are code: only administrators write them, whatever object permissions say.
        if request.method not in SAFE_METHODS and not request.user.is_superuser:
            raise PermissionDenied("Only administrators may change label schemes.")


class CableLabelSheetView(APIView):
    """GET ?cable_id=1&cable_id=2: a printable A4 PDF of the scheme's labels for those cables (the user's
    visible cables only). Needs view permission on cables."""

    def get_queryset(self):
        # NetBox's TokenPermissions reads the model (dcim.view_cable) from here.
        return cable_labels.visible_cables(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("cable_id", int, many=True, required=True, description="Cables to print")],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        try:
            ids = cable_labels.requested_cable_ids(request.query_params.getlist("cable_id"))
        except ValidationError as refusal:
            raise DRFValidationError(refusal.message_dict) from refusal
        return cable_labels.sheet_response(self.get_queryset().filter(pk__in=ids))


class ComplianceView(APIView):
    """GET: the compliance scorecard, one row per agency the token may view (read-only).

    ?agency=<slug> narrows to one agency. Each check is true, false or null (does not apply); `checks` has them
    all by name, the percentages judged (100 % passes), as `score` counts them."""

    permission_classes = [IsAuthenticatedOrLoginNotRequired]

    @extend_schema(
        parameters=[OpenApiParameter("agency", str, description="Only this agency (tenant slug)")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        agencies = agency_tenants()
        if request.query_params.get("agency"):
            agencies = agencies.filter(slug=request.query_params["agency"])
        return Response([row.as_dict() for row in compliance.scorecard(request.user, agencies)])


class DomainListViewSet(EgovModelViewSet):
    """Domain lists. GET <id>/entries/ gives the domains as text, one per line; POST <id>/entries/ with
    {"mode": "add"|"remove"|"replace", "text": "..."} imports typed or uploaded domains (bad lines reported
    by number, good ones imported): 200 with the finished job when small, 202 with the queued job when
    large. POST <id>/refresh/ queues a feed refresh (202). Writing needs change on the list."""

    queryset = models.DomainList.objects.all()
    serializer_class = serializers.DomainListSerializer
    filterset_class = filtersets.DomainListFilterSet

    def _changeable(self, request, pk):
        return get_object_or_404(models.DomainList.objects.restrict(request.user, "change"), pk=pk)

    @extend_schema(request=serializers.DomainEntriesSerializer, responses=JobSerializer)
    @action(detail=True, methods=["get", "post"], permission_classes=[WorkflowPermissions])
    def entries(self, request, pk):
        if request.method == "GET":
            domain_list = get_object_or_404(models.DomainList.objects.restrict(request.user, "view"), pk=pk)
            return HttpResponse(storage.download(domain_list), content_type="text/plain; charset=utf-8")
        domain_list = self._changeable(request, pk)
        body = serializers.DomainEntriesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = import_domains(domain_list, body.validated_data["mode"], body.validated_data["text"], request.user)
        return self._job_response(request, job)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"], permission_classes=[WorkflowPermissions])
    def refresh(self, request, pk):
        try:
            job = refresh_feed_now(self._changeable(request, pk), request.user)
        except ValidationError as refusal:
            raise DRFValidationError(refusal.message_dict) from refusal
        return self._job_response(request, job)

    @staticmethod
    def _job_response(request, job):
        if job.completed is None:
            code = status.HTTP_202_ACCEPTED
        elif job.status == JobStatusChoices.STATUS_COMPLETED:
            code = status.HTTP_200_OK
        else:  # errored or failed: the list is as it was; the job's log says why
            code = status.HTTP_500_INTERNAL_SERVER_ERROR
        return Response(JobSerializer(job, context={"request": request}).data, status=code)


class FilterPolicyViewSet(EgovModelViewSet):
    queryset = models.FilterPolicy.objects.select_related("schedule").prefetch_related(
        "blocked_lists", "allowed_lists", "tenants", "exempt_tenants"
    )
    serializer_class = serializers.FilterPolicySerializer
    filterset_class = filtersets.FilterPolicyFilterSet


class PushViewSet(EgovModelViewSet):
    """Pushes to gateways. POST {"gateway": <id>, "mode": "preview"|"apply"} (or a list of them) queues a push
    on a worker: it needs `add`, and for apply the `apply` action, on the push; the gateway must be one the
    token may view that enforces a quota. A record is never edited; DELETE removes it."""

    queryset = models.Push.objects.select_related("gateway", "requested_by", "job").prefetch_related("tenants")
    serializer_class = serializers.PushSerializer
    filterset_class = filtersets.PushFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        many = isinstance(request.data, list)
        incoming = self.get_serializer(data=request.data, many=many)
        incoming.is_valid(raise_exception=True)
        asked = incoming.validated_data if many else [incoming.validated_data]
        try:
            with transaction.atomic():  # all or none
                queued = [pushes.request_push(item["gateway"], item.get("mode", PushModeChoices.PREVIEW),
                                              request.user) for item in asked]
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except ValidationError as refusal:
            raise DRFValidationError(refusal.message_dict) from refusal
        data = self.get_serializer(queued if many else queued[0], many=many).data
        return Response(data, status=status.HTTP_201_CREATED)


class FindingViewSet(EgovModelViewSet):
    """Reconciliation findings (docs/reconciliation.md). The collectors write them through POST report/, one
    device per request: never through plain create. A person changes a finding's status and note (PATCH),
    or accepts what the device says with POST <id>/accept/, which changes NetBox (the device's serial or
    type, a new cable, an interface enabled or disabled) through its normal save, under their name."""

    queryset = models.Finding.objects.select_related("device", "interface__device", "far_interface__device")
    serializer_class = serializers.FindingSerializer
    # NetBox restricts `queryset` to the action of the request's method (add, for a POST): an action finds the
    # finding among those the user may change, and reads it back among those they may view.
    findings = queryset.all()
    filterset_class = filtersets.FindingFilterSet

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST", detail="Findings are written through POST findings/report/.")

    @extend_schema(
        request=serializers.FindingReportSerializer,
        responses={200: serializers.FindingReportResultSerializer, 413: OpenApiTypes.OBJECT},
        description="Every difference seen on one device at one time. A new (kind, subject) is created open; one "
                    "seen again takes observed_at as its last sighting and what the item says; an acknowledged one "
                    "is reopened only when device_says changed, a resolved one is reopened. complete=true resolves "
                    "every open or acknowledged finding of the device the report does not list. A report older "
                    "than a finding's last sighting changes nothing of it. All or nothing; a bad item is a 400 "
                    "naming findings[<index>].<field> and the value. Needs add and change on findings, and a "
                    "device (and interfaces) the token may view.",
    )
    @action(detail=False, methods=["post"], url_path="report")
    def report(self, request):
        if not request.user.has_perm("netbox_egov.change_finding"):
            raise PermissionDenied("Reporting findings needs permission to change findings.")
        try:
            data = request.data
        except RequestDataTooBig as refusal:
            return Response({"detail": f"The report is larger than NetBox accepts: {refusal}"},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        incoming = serializers.FindingReportSerializer(data=data)
        if not incoming.is_valid():
            raise DRFValidationError(report_errors(incoming.errors, data))
        try:
            counts = apply_report(request.user, incoming.validated_data)
        except ReportRefused as refusal:
            raise DRFValidationError(refusal.errors) from refusal
        return Response(counts)

    @extend_schema(request=None, responses={200: serializers.FindingAcceptResultSerializer})
    @action(detail=True, methods=["post"], permission_classes=[WorkflowPermissions])
    def accept(self, request, pk):
        finding = get_object_or_404(self.findings.restrict(request.user, "change"), pk=pk)
        try:
            proposal, changed = accept_finding(finding, request.user)
        except AcceptRefused as refusal:
            if refusal.forbidden:
                raise PermissionDenied(str(refusal)) from refusal
            raise DRFValidationError({"detail": str(refusal)}) from refusal
        finding = self.findings.restrict(request.user, "view").get(pk=finding.pk)
        return Response({
            "finding": self.get_serializer(finding).data,
            "changed": {"object_type": changed._meta.label_lower, "id": changed.pk, "display": str(changed),
                        "url": request.build_absolute_uri(changed.get_absolute_url()),
                        "summary": proposal.summary},
        })


def report_errors(errors, data):
    """The serializer's errors with each item's index and field in the key and the value in the message:
    {"findings[2].kind": ["'bogus': ..."]}."""
    flat = {}
    for field, problems in errors.items():
        if field == "findings" and isinstance(problems, dict):
            items = data.get("findings") if isinstance(data, dict) else None
            for index, item_problems in problems.items():
                item = items[index] if isinstance(items, list) and index < len(items) else None
                for name, messages in item_problems.items():
                    value = item.get(name) if isinstance(item, dict) else item
                    flat[f"findings[{index}].{name}"] = [f"{shown(value)}: {message}" for message in messages]
        else:
            value = data.get(field) if isinstance(data, dict) else data
            flat[field] = [f"{shown(value)}: {message}" if field != "non_field_errors" else str(message)
                           for message in problems]
    return flat


class CompiledFilterView(APIView):
    """GET compiled-filter/<unbound|routeros>/?agency=<slug> or ?gateway=<device name or id>: the domains the
    policies in force block for that agency (or the agencies behind that gateway), in the gateway's format.

    ?at=<ISO 8601 datetime> evaluates the policies' schedules at that time instead of now. The ETag is a
    hash of everything the output is made of: send it back in If-None-Match and an unchanged list answers
    304 without a body. The token must be able to view every policy in force, its lists and the agencies:
    a narrower view is refused (403 naming what is hidden), never answered with a shorter list."""

    permission_classes = [IsAuthenticatedOrLoginNotRequired]

    @extend_schema(
        parameters=[
            OpenApiParameter("syntax", str, OpenApiParameter.PATH, enum=sorted(COMPILERS)),
            OpenApiParameter("agency", str, description="The agency (tenant slug); or give gateway"),
            OpenApiParameter("gateway", str, description="The gateway (device name or id); or give agency"),
            OpenApiParameter("at", OpenApiTypes.DATETIME, description="Evaluate the schedules at this time"),
        ],
        responses={(200, "text/plain"): OpenApiTypes.STR, 304: None},
    )
    def get(self, request, syntax):
        # A token that may not see policies would compile an empty list and unblock every site: refuse it.
        if not request.user.has_perm("netbox_egov.view_filterpolicy"):
            raise PermissionDenied("Compiling a filter needs permission to view filter policies.")
        if syntax not in COMPILERS:
            raise DRFValidationError({"syntax": f"{syntax!r} is not one of {sorted(COMPILERS)}"})
        at = self._at(request)
        tenants, label = self._targets(request)
        try:
            compiled = compiling.compile_for(request.user, tenants, syntax, at, label)
        except compiling.PolicyConflict as conflict:
            return Response({"detail": str(conflict)}, status=status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        quoted = f'"{compiled.etag}"'
        # Django's own If-None-Match handling ('*', weak W/ tags): a 304, or None to send the text.
        response = get_conditional_response(request, etag=quoted) or HttpResponse(
            compiled.text, content_type="text/plain; charset=utf-8"
        )
        response["ETag"] = quoted
        # What a token gets depends on its permissions: no shared cache may hand it to another. (A Vary
        # header would not survive: NetBox's middleware overwrites Vary on every response.)
        response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _at(request):
        raw = request.query_params.get("at")
        if not raw:
            return timezone.now()
        try:
            # The filters' date-time field: ISO 8601, a naive time in NetBox's time zone, offsets PostgreSQL takes.
            return filtersets.PostgresDateTimeField().clean(raw)
        except ValidationError as refusal:
            why = refusal.messages[0] if refusal.code == "offset" else f"{raw!r} is not an ISO 8601 date and time"
            raise DRFValidationError({"at": why}) from refusal

    @staticmethod
    def _targets(request):
        agency, gateway = request.query_params.get("agency"), request.query_params.get("gateway")
        if bool(agency) == bool(gateway):
            raise DRFValidationError({"agency": "give exactly one of agency (slug) and gateway (device name or id)"})
        if agency:
            tenant = Tenant.objects.restrict(request.user, "view").filter(slug=agency).first()
            if tenant is None:
                raise DRFValidationError({"agency": f"no agency with slug {agency!r} is visible to you"})
            return [tenant], f"agency {tenant.slug}"
        devices = Device.objects.restrict(request.user, "view")
        matches = list((devices.filter(pk=gateway) if gateway.isdigit() else devices.filter(name=gateway))[:2])
        if not matches:
            raise DRFValidationError({"gateway": f"no device {gateway!r} is visible to you"})
        if len(matches) > 1:  # device names are unique per site only
            raise DRFValidationError({"gateway": f"more than one device is named {gateway!r}: give its id"})
        device = matches[0]
        tenants = list(compiling.agencies_behind(device))
        if not tenants:
            raise DRFValidationError({"gateway": f"{device} enforces for no agency: no bandwidth quota names it "
                                                 "as enforcement device and its tenant is not an agency"})
        return tenants, f"gateway {device.name}"

