"""Pushes to gateways (Pasal 10 enforced): their records, and the Preview/Apply requests posted from the
gateway's page, the quota's page and the push list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from netbox.object_actions import BulkDelete, BulkExport, DeleteObject
from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, register_model_view

from .. import filtersets, forms, pushes, tables
from ..models import Push
from ..ui import panels
from .base import EgovListView, EgovObjectView, detail_layout

PUSHES = Push.objects.select_related("gateway", "requested_by", "job").prefetch_related("tenants")


@register_model_view(Push, "list", path="", detail=False)
class PushListView(EgovListView):
    queryset = PUSHES
    filterset = filtersets.PushFilterSet
    filterset_form = forms.PushFilterForm
    table = tables.PushTable
    actions = (BulkExport, BulkDelete)  # pushes are asked for (PushRequestView), never added or edited
    template_name = "netbox_egov/push_list.html"


@register_model_view(Push)
class PushView(EgovObjectView):
    queryset = PUSHES
    actions = (DeleteObject,)  # a record: never edited
    layout = detail_layout(
        panels.PushPanel(),
        right=[panels.PushHostsPanel()],
        bottom=[panels.PushTextPanel("diff", _("Diff")), panels.PushTextPanel("log", _("Log"))],
    )


@register_model_view(Push, "delete")
class PushDeleteView(generic.ObjectDeleteView):
    queryset = Push.objects.all()


@register_model_view(Push, "bulk_delete", path="delete", detail=False)
class PushBulkDeleteView(generic.BulkDeleteView):
    queryset = Push.objects.all()
    filterset = filtersets.PushFilterSet
    table = tables.PushTable


class PushRequestView(ConditionalLoginRequiredMixin, View):
    """POST mode=preview|apply with gateway=<id> (one gateway the user may view) or all=1 (every gateway the
    user may view). Each push is checked against the user's add (and for apply, apply) permission."""

    def post(self, request):
        mode = request.POST.get("mode", "")
        targets = pushes.gateways().restrict(request.user, "view").order_by("name")
        if not request.POST.get("all"):
            gateway_id = request.POST.get("gateway", "")
            if not gateway_id.isdigit():
                raise Http404(f"gateway: {gateway_id!r} is not an id")
            targets = [get_object_or_404(targets, pk=gateway_id)]
        try:
            with transaction.atomic():  # all gateways or none, as through the API
                queued = [pushes.request_push(gateway, mode, request.user) for gateway in targets]
        except (PermissionDenied, ValidationError) as refusal:
            messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
            queued = []
        if queued:
            messages.success(request, _("{count} push(es) queued: {mode}.").format(
                count=len(queued), mode=queued[0].get_mode_display()))
        return redirect(queued[0].get_absolute_url() if len(queued) == 1 else self.next_url(request))

    @staticmethod
    def next_url(request):
        url = request.POST.get("return_url", "")
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            return url
        return "plugins:netbox_egov:push_list"
