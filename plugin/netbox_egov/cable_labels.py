"""Cable labels seen from NetBox: the expected label of each cable, per-agency figures, fixes, label sheets."""

from collections import Counter
from dataclasses import dataclass

from dcim.models import Cable

from .agencies import agency_tenants
from .logic import labels
from .models import LabelScheme


def active_scheme():
    """The active label scheme, or NetBox's default built from both terminations when none is set."""
    return LabelScheme.objects.filter(active=True).first() or LabelScheme(name="default")


def end_context(terminations):
    """site / device / port of one cable end (its first termination)."""
    termination = terminations[0] if terminations else None
    device = getattr(termination, "device", None)
    site = getattr(device, "site", None) or getattr(termination, "_site", None)
    return {
        "site": getattr(site, "slug", ""),
        "device": getattr(device, "name", "") or str(getattr(termination, "circuit", "") or ""),
        "port": getattr(termination, "name", "") or getattr(termination, "term_side", ""),
    }


def cable_context(cable):
    return {"a": end_context(cable.a_terminations), "b": end_context(cable.b_terminations)}


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


def visible_cables(user, action="view"):
    return Cable.objects.restrict(user, action).prefetch_related(
        "terminations___device__site", "terminations__termination"
    ).order_by("pk")


def judge_all(cables, scheme=None):
    scheme = scheme or active_scheme()
    return [judge_cable(cable, scheme) for cable in cables]


def agency_figures(user, agencies=None):
    """Per agency: cables touching its devices, and how many are labelled correctly, wrongly or not at all."""
    scheme = active_scheme()
    figures = {}
    for agency in agencies if agencies is not None else agency_tenants().restrict(user, "view"):
        cables = visible_cables(user).filter(terminations___device__tenant=agency).distinct()
        counts = Counter(result.status for result in judge_all(cables, scheme))
        total = sum(counts.values())
        figures[agency] = {"total": total, **counts,
                           "percent_correct": round(100 * counts["correct"] / total) if total else None}
    return figures


def planned_fixes(cables, scheme=None):
    """The cables whose label is missing or wrong, with the label the scheme gives, and nothing else."""
    return [result for result in judge_all(cables, scheme) if result.status != "correct" and not result.problems]
