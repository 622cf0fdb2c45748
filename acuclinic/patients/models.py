"""Patient records. This issue needs only who the patient is and how to reach them; intake,
consent and the portal build on this model."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Patient(models.Model):
    full_name = models.CharField(_("full name"), max_length=160)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The patient's own sign-in, for the portal: an account linked here has the patient role
    # (clinic/roles.py) and sees this record only.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        verbose_name=_("portal account"),
    )

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(Lower("email"), name="patient_email_lower")]
        verbose_name = _("patient")

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else ""
