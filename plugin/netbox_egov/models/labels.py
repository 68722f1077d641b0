"""The label scheme for inter-node cable labels (Pasal 11(3))."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from netbox.models import PrimaryModel

from ..logic import labels


class LabelScheme(PrimaryModel):
    """How a cable's inter-node address label is built; the active scheme is the one the checks use."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    template = models.TextField(
        verbose_name=_("template"), default=labels.DEFAULT_TEMPLATE,
        help_text=_("Jinja (sandboxed). Each end offers site, device and port, e.g. {{ a.device }}:{{ a.port }}"),
    )
    # NetBox's Cable.label holds 100 characters.
    max_length = models.PositiveSmallIntegerField(
        verbose_name=_("maximum length"), default=100, validators=[MinValueValidator(5), MaxValueValidator(100)]
    )
    allowed_characters = models.CharField(
        verbose_name=_("allowed characters"), max_length=100, default=labels.DEFAULT_ALLOWED,
        help_text=_("The inside of a regular-expression character class, e.g. A-Za-z0-9:/._-"),
    )
    active = models.BooleanField(verbose_name=_("active"), default=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("label scheme")
        verbose_name_plural = _("label schemes")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            labels.check_template(self.template)
        except labels.LabelTemplateError as error:
            raise ValidationError(
                {"template": _("The template does not compile: {error}").format(error=error)}
            ) from error
        if self.active:
            other = LabelScheme.objects.filter(active=True).exclude(pk=self.pk).first()
            if other:
                raise ValidationError({
                    "active": _("{scheme} is the active scheme already; deactivate it first.").format(scheme=other)
                })
