"""Detail-page attributes naming related objects only where the viewing user may view them (as GraphQL does)."""

from netbox.ui import attrs

from ..visibility import is_visible, only_visible


def _viewer(context):
    # Panels hand their attributes the template's `perms` (Django's PermWrapper), which carries the user.
    return getattr(context.get("perms"), "user", None)


class VisibleObjectAttr(attrs.RelatedObjectAttr):
    """A related object, or the placeholder when the user may not view it."""

    def render(self, obj, context):
        value = self.get_value(obj)
        user = _viewer(context)
        if value is not None and (user is None or not is_visible(user, value)):
            return self.placeholder
        return super().render(obj, context)


class VisibleObjectListAttr(attrs.RelatedObjectListAttr):
    """Related objects, leaving out those the user may not view."""

    def get_context(self, obj, attr, value, context):
        data = super().get_context(obj, attr, value, context)
        user = _viewer(context)
        shown = only_visible(user, [item["value"] for item in data["items"]]) if user is not None else []
        data["items"] = [item for item in data["items"] if item["value"] in shown]
        return data


class PushDetailAttr(attrs.TextAttr):
    """A push's text that may name other agencies (its reason): the placeholder for a reader who may not view
    every agency the push carried (pushes.may_read_details)."""

    def render(self, obj, context):
        from ..pushes import may_read_details

        user = _viewer(context)
        if user is None or not may_read_details(user, obj):
            return self.placeholder
        return super().render(obj, context)
