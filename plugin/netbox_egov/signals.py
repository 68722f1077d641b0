"""Writes may only name objects the writer may view (the agency scoping of Pasal 10-11, on every write path);
at the end, the receivers that queue automatic pushes when what a gateway enforces changes (pushes.py).

NetBox checks object permissions on the object written, not on the objects it points at: its REST API
resolves a related object by id whatever the writer may see (utilities.api.get_related_object_by_attrs),
so an agency officer could place a device in another agency's office, or learn a hidden object's name
from a refusal that names it. Every NetBox model's clean() sends `post_clean` once a form, serializer,
import or bulk edit has set the related values (many-to-many ones in `_m2m_values`), before the model's
own rules can name them: one receiver guards all of those paths, for core's models and the plugin's.

A hidden object gets the answer a missing one gets: core's words, naming nothing but the id given.
Connecting a cable changes the interfaces it ends on, so each new end must be one the writer may change.
Bookmarks and subscriptions (which every user may add for themselves) must point at objects their owner
may view: a subscription would otherwise report every change of a hidden object.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from rest_framework.relations import PrimaryKeyRelatedField

from core.models import ObjectType
from dcim.models import Cable, CableTermination
from extras.models import Bookmark, Subscription
from netbox.context import current_request
from netbox.plugins import get_plugin_config
from netbox.signals import post_clean
from users.models import User
from utilities.exceptions import AbortRequest

from .choices import PushTriggerChoices
from .models import BandwidthQuota, FilterPolicy, Schedule

# Types, not objects: anyone may name them.
UNTYPED = (ContentType, ObjectType)


def missing_object(pk):
    """Core's answer for a related id that does not exist (utilities.api.get_related_object_by_attrs)."""
    return _("Related object not found using the provided numeric ID: {id}").format(id=pk)


def missing_member(pk):
    """DRF's answer for a many-to-many id that does not exist."""
    return PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=pk)


def request_writer():
    """The user behind the current request or background API job, unless NetBox lets them see everything."""
    user = getattr(current_request.get(), "user", None)
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return user


def permitted_pks(user, model, pks, action="view"):
    """Which of `pks` the user may act on; every pk when the model is not under object permissions."""
    if not pks or issubclass(model, UNTYPED) or not hasattr(model.objects, "restrict"):
        return set(pks)
    return set(model.objects.restrict(user, action).filter(pk__in=pks).values_list("pk", flat=True))


def _stored_values(instance, attnames):
    if instance._state.adding or instance.pk is None or not attnames:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values(*attnames).first()


def _is_new(stored, attname, value):
    return stored is None or stored[attname] != value


def _foreign_keys(instance):
    """(field name, related model, pk) of each editable forward relation that is set."""
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.editable and (field.many_to_one or field.one_to_one):
            yield field.name, field.attname, field.related_model


def _generic_keys(instance):
    """(field name, content type attname, object id attname) of each generic relation."""
    for field in instance._meta.private_fields:
        if isinstance(field, GenericForeignKey):
            yield field.name, instance._meta.get_field(field.ct_field).attname, field.fk_field


def hidden_relations(user, instance):
    """{field: message} for each related object the instance now names that the user may not view.

    Only new or changed values are checked: an edit keeps what it does not touch.
    """
    keys = list(_foreign_keys(instance))
    generics = list(_generic_keys(instance))
    stored = _stored_values(instance, [a for _n, a, _m in keys] + [a for g in generics for a in g[1:]])
    errors = {}
    for name, attname, model in keys:
        pk = getattr(instance, attname)
        if pk is None or not _is_new(stored, attname, pk) or (model is User and pk == user.pk):
            continue
        if pk not in permitted_pks(user, model, [pk]):
            errors[name] = missing_object(pk)
    for name, ct_attname, id_attname in generics:
        ct_id, pk = getattr(instance, ct_attname), getattr(instance, id_attname)
        if ct_id is None or pk is None or not (_is_new(stored, ct_attname, ct_id) or _is_new(stored, id_attname, pk)):
            continue
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is not None and pk not in permitted_pks(user, model, [pk]):
            errors[name] = missing_object(pk)
    errors.update(_hidden_members(user, instance))
    return errors


def _many_to_many(instance, name):
    """The relation called `name` on the instance: a forward many-to-many field or a reverse accessor."""
    for field in instance._meta.get_fields():
        if field.many_to_many and name in (field.name, getattr(field, "get_accessor_name", lambda: None)()):
            return field
    return None


def _hidden_members(user, instance):
    errors = {}
    for name, values in (getattr(instance, "_m2m_values", None) or {}).items():
        field = _many_to_many(instance, name)
        pks = {getattr(value, "pk", value) for value in values or ()}
        if field is None or not pks:
            continue
        if not instance._state.adding and instance.pk is not None:
            pks -= set(getattr(instance, name).values_list("pk", flat=True))
        hidden = sorted(pks - permitted_pks(user, field.related_model, pks), key=str)
        if hidden:
            errors[name] = missing_member(hidden[0])
    return errors


def unchangeable_cable_ends(user, cable):
    """{end: message} for new cable ends the user may not change (a cable end changes the interface)."""
    if not getattr(cable, "_terminations_modified", False):
        return {}
    existing = set()
    if cable.pk:
        existing = set(CableTermination.objects.filter(cable=cable).values_list("termination_type", "termination_id"))
    errors = {}
    for end, terminations in (("a_terminations", cable.a_terminations), ("b_terminations", cable.b_terminations)):
        for termination in terminations:
            model = type(termination)
            if (ContentType.objects.get_for_model(model).pk, termination.pk) in existing:
                continue
            if termination.pk not in permitted_pks(user, model, [termination.pk]):
                errors[end] = missing_object(termination.pk)
            elif termination.pk not in permitted_pks(user, model, [termination.pk], "change"):
                errors[end] = _("You may not change {termination}, so you may not connect a cable to it.").format(
                    termination=f"{termination.parent_object} {termination}"
                )
            if end in errors:
                break
    return errors


@receiver(post_clean)
def refuse_hidden_relations(sender, instance, **kwargs):
    user = request_writer()
    if user is None:
        return
    errors = hidden_relations(user, instance)
    if isinstance(instance, Cable):
        errors.update(unchangeable_cable_ends(user, instance))
    if errors:
        raise ValidationError(errors)


@receiver(pre_save, sender=Bookmark)
@receiver(pre_save, sender=Subscription)
def refuse_hidden_targets(sender, instance, **kwargs):
    """Bookmarks and subscriptions are added through every user's default permissions, with no clean()."""
    target_model = instance.object_type.model_class() if instance.object_type_id else None
    if target_model is None or instance.user is None:
        return
    if instance.object_id not in permitted_pks(instance.user, target_model, [instance.object_id]):
        raise AbortRequest(missing_object(instance.object_id))


#
# Automatic pushes (auto_push): a change of what a gateway enforces queues a push to that gateway only.
#

def _auto_push(trigger, reason, gateway_ids):
    """Queue the pushes once the change is committed: a push already queued for a gateway may start any
    moment and read NetBox, so whether it covers this change is decided after the change is visible."""
    from . import pushes

    gateway_ids = set(gateway_ids)
    transaction.on_commit(lambda: pushes.queue_automatic(
        pushes.gateways().filter(pk__in=gateway_ids).values_list("pk", flat=True), trigger, reason))


def _auto_push_on(raw=False):
    # Read first: no query when pushes are off. Fixtures loaded raw (loaddata) push nothing.
    return not raw and get_plugin_config("netbox_egov", "auto_push")


@receiver(pre_save, sender=BandwidthQuota)
def remember_previous_gateway(sender, instance, raw=False, **kwargs):
    """A quota moved to another gateway must leave the old one too."""
    if _auto_push_on(raw) and instance.pk:
        instance._egov_previous_gateway = (
            BandwidthQuota.objects.filter(pk=instance.pk).values_list("enforcement_device", flat=True).first())


@receiver(post_save, sender=BandwidthQuota)
@receiver(post_delete, sender=BandwidthQuota)
def push_on_quota_change(sender, instance, raw=False, **kwargs):
    if _auto_push_on(raw):
        ids = {instance.enforcement_device_id, getattr(instance, "_egov_previous_gateway", None)} - {None}
        _auto_push(PushTriggerChoices.QUOTA, _("Quota of {agency} changed").format(agency=instance.tenant), ids)


@receiver(m2m_changed, sender=BandwidthQuota.prefixes.through)
def push_on_quota_prefixes(sender, instance, action, **kwargs):
    if _auto_push_on() and action.startswith("post_") and isinstance(instance, BandwidthQuota):
        _auto_push(PushTriggerChoices.QUOTA, _("Prefixes of {agency} changed").format(agency=instance.tenant),
                   {instance.enforcement_device_id} - {None})


@receiver(post_save, sender=Schedule)
def push_on_schedule_change(sender, instance, created, raw=False, **kwargs):
    from . import pushes

    if _auto_push_on(raw) and not created:
        _auto_push(PushTriggerChoices.SCHEDULE, _("Schedule {name} changed").format(name=instance),
                   pushes.gateways_of_schedule(instance))


@receiver(post_save, sender=FilterPolicy)
@receiver(pre_delete, sender=FilterPolicy)
def push_on_policy_change(sender, instance, raw=False, **kwargs):
    from . import pushes

    if _auto_push_on(raw):
        _auto_push(PushTriggerChoices.POLICY, _("Filter policy {name} changed").format(name=instance),
                   pushes.gateways_of_policy(instance))


@receiver(m2m_changed, sender=FilterPolicy.blocked_lists.through)
@receiver(m2m_changed, sender=FilterPolicy.allowed_lists.through)
def push_on_policy_lists(sender, instance, action, **kwargs):
    from . import pushes

    if _auto_push_on() and isinstance(instance, FilterPolicy) and action.startswith("post_"):
        _auto_push(PushTriggerChoices.POLICY, _("Filter policy {name} changed").format(name=instance),
                   pushes.gateways_of_policy(instance))


@receiver(m2m_changed, sender=FilterPolicy.tenants.through)
@receiver(m2m_changed, sender=FilterPolicy.exempt_tenants.through)
def push_on_policy_agencies(sender, instance, action, pk_set, **kwargs):
    """The gateways of the agencies added or removed; every gateway when the policy's cover changes between
    "every agency" (no agency named) and some."""
    from . import pushes

    if not (_auto_push_on() and isinstance(instance, FilterPolicy)):
        return
    if action == "pre_clear":
        # Cleared agencies: the policy covers every agency after; cleared exemptions: those agencies.
        ids = (pushes.gateways_of_quotas(BandwidthQuota.objects.all()) if sender is FilterPolicy.tenants.through
               else pushes.gateways_of_quotas(BandwidthQuota.objects.filter(tenant__in=instance.exempt_tenants.all())))
    elif action in ("post_add", "post_remove"):
        ids = pushes.gateways_of_quotas(BandwidthQuota.objects.filter(tenant__in=pk_set or ()))
        named = instance.tenants.count()
        was_everyone = action == "post_add" and named == len(pk_set or ())
        if sender is FilterPolicy.tenants.through and (named == 0 or was_everyone):
            ids |= pushes.gateways_of_quotas(BandwidthQuota.objects.all())
    else:
        return
    _auto_push(PushTriggerChoices.POLICY, _("Filter policy {name} changed").format(name=instance), ids)
