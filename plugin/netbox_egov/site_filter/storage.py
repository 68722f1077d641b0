"""Where a list's domains live: one content row per list, read whole, by its head, or searched for a name.

A million domains are one DomainListContent row of sorted newline-separated
text, not a million objects; the list object keeps the count, the content
hash and the bad lines of the last import.
"""

from django.db import transaction
from django.db.models.functions import Substr

from ..choices import EntriesModeChoices
from ..logic import domains as rules
from ..models import DomainList, DomainListContent
from ..models.filtering import BAD_LINES_KEPT


def content_text(domain_list):
    """The stored domains as text, one per line ("" for an empty list)."""
    return DomainListContent.objects.filter(domain_list=domain_list).values_list("text", flat=True).first() or ""


def current_domains(domain_list):
    text = content_text(domain_list)
    return text.split("\n") if text else []


def download(domain_list):
    """The list as a text file, one domain per line and a final newline."""
    text = content_text(domain_list)
    return text + "\n" if text else ""


def store(domain_list, domains, errors):
    """Replace the list's domains (sorted, unique) and record the figures of this import."""
    text = "\n".join(domains)
    figures = {
        "domain_count": len(domains),
        "content_hash": rules.etag(text),
        "bad_line_count": len(errors),
        "bad_lines": [list(error) for error in errors[:BAD_LINES_KEPT]],
    }
    with transaction.atomic():
        # An import and a feed refresh of one list wait for each other rather than interleave.
        DomainList.objects.select_for_update().only("pk").get(pk=domain_list.pk)
        DomainListContent.objects.update_or_create(domain_list=domain_list, defaults={"text": text})
        DomainList.objects.filter(pk=domain_list.pk).update(**figures)
    for field, value in figures.items():
        setattr(domain_list, field, value)


def apply_entries(domain_list, mode, text):
    """Add, remove or replace with the domains in `text`; bad lines are reported (by number), good ones kept.
    Returns the bad lines."""
    new, errors = rules.parse(text.splitlines())
    with transaction.atomic():
        # Two imports into one list at once would each merge into the same old copy: one waits for the other.
        DomainList.objects.select_for_update().only("pk").get(pk=domain_list.pk)
        if mode == EntriesModeChoices.REPLACE:
            result = new
        else:
            existing = set(current_domains(domain_list))
            result = sorted(existing | set(new) if mode == EntriesModeChoices.ADD else existing - set(new))
        store(domain_list, result, errors)
    return errors


def lists_blocking(domain_lists, name):
    """The pks of the lists among `domain_lists` holding `name` or a parent zone of it: the lists that block
    it wherever they are in force. `name` must be normalised (logic.domains.normalise)."""
    wanted = rules.covering_entries(rules.zone(name))
    matching = []
    contents = DomainListContent.objects.filter(domain_list__in=domain_lists).values_list("domain_list", "text")
    for domain_list_id, text in contents:
        # A substring search of the stored text: no splitting a million lines into strings per question.
        padded = f"\n{text}\n"
        if any(f"\n{entry}\n" in padded for entry in wanted):
            matching.append(domain_list_id)
    return matching


def head(domain_list, count):
    """The first `count` domains, read from the start of the stored text only."""
    start = DomainListContent.objects.filter(domain_list=domain_list).annotate(
        start=Substr("text", 1, count * (rules.MAX_NAME + 3))
    ).values_list("start", flat=True).first()
    return start.split("\n")[:count] if start else []
