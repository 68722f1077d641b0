"""Which related objects a user may see named: one answer for REST, detail pages, tables and CSV exports.

GraphQL resolves every related object through its own type's restricted queryset, so a related object the
user may not view comes out as null, or is left out of a list. A REST serializer, a detail panel or a
table column reads the relation straight off the row and would name it; the plugin's ones ask here first,
so all four interfaces show the same (docs/security.md). Objects of models outside object permissions
(content types, for instance) are always visible.
"""

from django.db.models import Model


def visible_pks(user, model):
    """The pks of `model` that `user` may view, or None when they may view all of them (no query then).

    Computed once per model and request: NetBox builds the user object anew for every request, and keeps its
    own permission cache on it the same way.
    """
    cache = user.__dict__.setdefault("_egov_visible_pks", {})
    if model not in cache:
        queryset = model.objects.restrict(user, "view")
        # restrict() returns the queryset untouched when no constraint limits the user.
        cache[model] = None if not queryset.query.where else set(queryset.values_list("pk", flat=True))
    return cache[model]


def is_visible_pk(user, model, pk):
    if not hasattr(model.objects, "restrict"):
        return True
    pks = visible_pks(user, model)
    return pks is None or pk in pks


def is_visible(user, obj):
    return not isinstance(obj, Model) or is_visible_pk(user, type(obj), obj.pk)


def only_visible(user, objects):
    return [obj for obj in objects if is_visible(user, obj)]
