"""RSS and Atom feeds of the clinic's articles. Carries no commenter data at all."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from acuclinic.clinic.models import ClinicSettings

from .models import ArticlePage

FEED_SIZE = 20


class ArticlesRssFeed(Feed):
    description = _("New articles from the clinic.")

    def get_object(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.request = request
        site = Site.find_for_request(request)
        self.clinic = ClinicSettings.for_site(site) if site else None
        return None

    def title(self) -> str:
        return str(self.clinic.name) if self.clinic else "acuclinic"

    def link(self) -> str:
        return "/"

    def items(self):  # type: ignore[no-untyped-def]
        return (
            ArticlePage.objects.live()
            .public()
            .select_related("author")
            .order_by("-date", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.lead

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url(self.request) or item.url

    def item_pubdate(self, item: ArticlePage):  # type: ignore[no-untyped-def]
        return item.first_published_at

    def item_updateddate(self, item: ArticlePage):  # type: ignore[no-untyped-def]
        return item.last_published_at

    def item_author_name(self, item: ArticlePage) -> str | None:
        return item.author.title if item.author else None


class ArticlesAtomFeed(ArticlesRssFeed):
    feed_type = Atom1Feed
    subtitle = ArticlesRssFeed.description
