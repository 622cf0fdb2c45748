from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "acuclinic.patients"
    label = "patients"
    verbose_name = _("Patients")
