from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "acuclinic.outcomes"
    verbose_name = "Outcomes"
