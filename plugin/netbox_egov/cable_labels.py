"""Cable labels seen from NetBox: the expected label of each cable, per-agency figures, fixes, label sheets."""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField
from django.http import HttpResponse
from django.utils.translation import gettext as _

from dcim.models import Cable

from . import label_sheet
from .logic import labels
from .models import LabelScheme


def active_scheme():
    """The active label scheme, or NetBox's default built from both terminations when none is set."""
    return LabelScheme.objects.filter(active=True).first() or LabelScheme(name="default")


def end_context(cable_terminations):
    """site / device / port of one cable end (its first termination), from prefetched CableTerminations."""
    termination = cable_terminations[0] if cable_terminations else None
    if termination is None:
        return {"site": "", "device": "", "port": ""}
    device, far_end = termination._device, termination.termination
    if device is None:  # a circuit termination: the circuit stands for the device
        site = termination._site
        return {"site": getattr(site, "slug", ""), "device": str(getattr(far_end, "circuit", "") or ""),
                "port": getattr(far_end, "term_side", "")}
    return {"site": device.site.slug, "device": device.name, "port": far_end.name}


def cable_context(cable):
    ends = {"A": [], "B": []}
    for termination in cable.terminations.all():
        ends[termination.cable_end].append(termination)
    return {"a": end_context(ends["A"]), "b": end_context(ends["B"])}


@dataclass
class CableLabel:
    cable: Cable
    expected: str
    status: str  # correct / wrong / missing
    problems: list


def judge_cable(cable, scheme):
    expected = labels.render_label(scheme.template, cable_context(cable))
    return CableLabel(cable, expected, labels.judge(cable.label, expected),
                      labels.label_problems(expected, scheme.max_length, scheme.allowed_characters))


def with_ends(cables):
    """Cables with what their labels are made of (both ends' sites, devices and ports) fetched in bulk."""
    return cables.prefetch_related(
        "terminations___device__site", "terminations___site", "terminations__termination"
    ).order_by("pk")


def visible_cables(user, action="view"):
    return with_ends(Cable.objects.restrict(user, action))


def requested_cable_ids(values):
    """The cable ids of a label sheet request (?cable_id=1&cable_id=2), for the page and the API alike.

    A ValidationError names the parameter and the first value that is not an id (one beyond the database's
    range included: it would reach PostgreSQL as an error, not as a cable that does not exist).
    """
    if not values:
        raise ValidationError({"cable_id": _("cable_id is required: the ids of the cables to print.")})
    for value in values:
        if not (value.isascii() and value.isdigit() and int(value) <= BigIntegerField.MAX_BIGINT):
            raise ValidationError({"cable_id": _("'{value}' is not a cable id.").format(value=value)})
    return [int(value) for value in values]


def sheet_response(cables):
    """The A4 label sheet of these cables as the active scheme labels them, as a PDF download."""
    texts = [result.expected for result in judge_all(cables)]
    response = HttpResponse(label_sheet.render_sheet(texts), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cable-labels.pdf"'
    return response


def judge_all(cables, scheme=None):
    scheme = scheme or active_scheme()
    return [judge_cable(cable, scheme) for cable in cables]


def agency_figures(agencies):
    """Per agency: cables touching its devices, and how many are labelled correctly, wrongly or not at all.

    Counted over all of the agency's cables, whoever asks: a figure is the same for everyone who may see the
    agency (the caller restricts `agencies`), and names no cable.
    """
    agencies = list(agencies)
    counts = {agency.pk: Counter() for agency in agencies}
    cables = with_ends(Cable.objects.filter(
        pk__in=Cable.objects.filter(terminations___device__tenant__in=agencies).values("pk")
    ))
    for result in judge_all(cables):
        owners = {termination._device.tenant_id for termination in result.cable.terminations.all()
                  if termination._device is not None}
        for owner in owners & counts.keys():
            counts[owner][result.status] += 1
    figures = {}
    for agency in agencies:
        total = sum(counts[agency.pk].values())
        figures[agency] = {"total": total, **counts[agency.pk],
                           "percent_correct": round(100 * counts[agency.pk]["correct"] / total) if total else None}
    return figures


def planned_fixes(cables, scheme=None):
    """The cables whose label is missing or wrong, with the label the scheme gives, and nothing else."""
    return [result for result in judge_all(cables, scheme) if result.status != "correct" and not result.problems]
