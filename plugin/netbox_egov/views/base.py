"""Bases of the plugin's views: NetBox's generic views with the guarantees every page of the plugin keeps,
and the parts of a detail page's layout the models share."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from extras.ui.panels import CustomFieldsPanel, TagsPanel
from netbox.ui import layout
from netbox.ui.panels import CommentsPanel, ObjectsTablePanel, RelatedObjectsPanel
from netbox.views import generic
from utilities.forms.utils import restrict_form_fields
from utilities.relations import get_related_models
from utilities.views import GetRelatedModelsMixin


class EgovListView(generic.ObjectListView):
    """NetBox's list view, with two guarantees.

    The filter form, and the filter chips it renders, offer and name only objects the user may view (core
    builds it unrestricted, so `?tenant_id=<hidden>` would show the hidden agency's name). A bad filter
    value answers 400 naming the parameter and the value, with no rows, rather than the unfiltered list.
    """

    def get(self, request):
        if self.filterset is not None:
            filterset = self.filterset(request.GET, self.queryset, request=request)
            if not filterset.is_valid():
                return self.refuse_filters(request, filterset.errors)
        return super().get(request)

    def refuse_filters(self, request, errors):
        for parameter, problems in errors.items():
            for problem in problems:
                messages.error(request, f"{parameter}: {problem}")
        self.queryset, self.filterset = self.queryset.none(), None
        response = super().get(request)
        response.status_code = 400
        return response

    def get_extra_context(self, request):
        context = super().get_extra_context(request)
        if self.filterset_form:
            context["filter_form"] = restricted_filter_form(self.filterset_form(request.GET), request.user)
        return context


def restricted_filter_form(form, user):
    """The filter form with every object choice restricted to what the user may view."""
    restrict_form_fields(form, user)
    for field in form.fields.values():
        # NetBox wraps a filter's widget in a lookup-modifier widget, and the wrapped widget renders the selected
        # options from the choices it was built with, before any restriction: hand it the restricted ones.
        wrapped = getattr(field.widget, "original_widget", None)
        if wrapped is not None and hasattr(field, "queryset"):
            wrapped.choices = field.choices
    return form


class EgovObjectView(GetRelatedModelsMixin, generic.ObjectView):
    """An object's page: its `layout` on NetBox's generic template, with the related objects it has."""

    template_name = "generic/object.html"

    def get_extra_context(self, request, instance):
        omit = internal_related_models(self.queryset.model)
        return {"related_models": self.get_related_models(request, instance, omit=omit)}


def internal_related_models(model):
    """Related storage models without views of their own (e.g. a domain list's content row): not listed."""
    return [related for related, _field in get_related_models(model, ordered=False)
            if not hasattr(related.objects, "restrict")]


class EveryBadRecordImportView(generic.BulkImportView):
    """NetBox's import, reporting every bad record instead of stopping at the first.

    Each record goes through core's own processing; errors are collected and
    raised together, so the view's transaction still rolls back the whole
    file: nothing is imported from a file with errors.
    """

    def _process_import_records(self, form, request, records, prefetched_objects):
        saved, errors = [], []
        for number, record in enumerate(records, start=1):
            try:
                saved += super()._process_import_records(form, request, [record], prefetched_objects)
            except ValidationError as error:
                # Core numbers records within the list it is given: here always 1.
                errors += [message.replace("Record 1 ", f"Record {number} ", 1) for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return saved


def detail_layout(main_panel, *extra_left, right=(), bottom=()):
    """The usual page: attributes and extras left; custom fields, tags, comments, related objects right."""
    return layout.SimpleLayout(
        left_panels=[main_panel, *extra_left],
        right_panels=[*right, CustomFieldsPanel(), TagsPanel(), CommentsPanel(), RelatedObjectsPanel()],
        bottom_panels=list(bottom),
    )


def objects_table(model, filter_name, title):
    """A restricted, HTMX-loaded table of `model` filtered to the object on the page."""
    return ObjectsTablePanel(model=model, filters={filter_name: lambda context: context["object"].pk}, title=title)
