"""What the Device and Tenant pages and the compliance scorecard say of findings."""

from collections import Counter

from django.db.models import Count

from ..choices import FindingKindChoices, FindingStatusChoices
from ..logic.findings import LIVE
from ..models import Finding


def live_findings(user):
    """The open and acknowledged findings the user may view."""
    return Finding.objects.restrict(user, "view").filter(status__in=LIVE)


def live_findings_per_kind(user, tenant):
    """Per kind, in the choices' order: (value, label, open count, acknowledged count) over the findings on the
    agency's devices the user may view; kinds with none are left out."""
    counts = Counter()
    rows = (live_findings(user).filter(device__tenant=tenant).order_by().values("kind", "status")
            .annotate(count=Count("pk")))
    for row in rows:
        counts[row["kind"], row["status"]] = row["count"]
    return [
        (value, label, counts[value, FindingStatusChoices.OPEN], counts[value, FindingStatusChoices.ACKNOWLEDGED])
        for value, label, *_color in FindingKindChoices.CHOICES
        if counts[value, FindingStatusChoices.OPEN] or counts[value, FindingStatusChoices.ACKNOWLEDGED]
    ]


def open_findings_per_agency(agencies):
    """{tenant pk: open findings on its devices}, counted over every finding whoever asks (the scorecard's rule:
    a figure names nothing, and reads the same for everyone who may see the row)."""
    return Counter(
        Finding.objects.filter(device__tenant__in=agencies, status=FindingStatusChoices.OPEN)
        .values_list("device__tenant", flat=True)
    )
