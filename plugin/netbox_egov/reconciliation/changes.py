"""What NetBox records when it saves an object, for objects written in bulk.

core.signals.handle_changed_object makes, for every object saved during a request, a change-log entry (an
ObjectChange naming the request's user), queues the object's event (event rules, webhooks) and marks it for
the search index. Rows written with bulk_create and bulk_update send no signals; this records the same for
them, with one query for all the change-log entries, so a report of many findings costs what one costs.
"""

from core.choices import ObjectChangeActionChoices
from core.events import OBJECT_CREATED, OBJECT_UPDATED
from core.models import ObjectChange
from extras.events import enqueue_event
from extras.models import Tag
from netbox.context import current_request, events_queue
from netbox.search.backends import search_backend

CREATE, UPDATE = ObjectChangeActionChoices.ACTION_CREATE, ObjectChangeActionChoices.ACTION_UPDATE
EVENTS = {CREATE: OBJECT_CREATED, UPDATE: OBJECT_UPDATED}


def without_tags(instances):
    """Mark rows just created as having no tags, so serialising them for the change log asks no query."""
    for instance in instances:
        instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}),
                                              "tags": Tag.objects.none()}


def record(instances, action):
    """Change-log entries, events and search-index marks for `instances`, written in bulk as `action`.

    Outside a request (a management command, a script without its request context) NetBox records no change
    for a save either: neither does this. An update's entry holds the snapshot() each instance took before it
    changed, as a save's does; entries that record no change are left out, as core leaves them out.
    """
    request = current_request.get()
    if request is None or not instances:
        return []
    entries = []
    queue = events_queue.get()
    for instance in instances:
        entry = instance.to_objectchange(action)
        if not entry.has_changes:
            continue
        entry.user, entry.user_name, entry.request_id = request.user, request.user.username, request.id
        entries.append(entry)
        enqueue_event(queue, instance, request, EVENTS[action])
        search_backend.caching_handler(type(instance), instance, created=action == CREATE)
    events_queue.set(queue)
    ObjectChange.objects.bulk_create(entries)
    return entries
