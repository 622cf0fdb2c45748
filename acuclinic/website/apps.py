from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "acuclinic.website"
    label = "website"
    verbose_name = _("Website")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the page-cache invalidation)
