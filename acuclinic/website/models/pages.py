"""Public pages on Wagtail. Content only: nothing about a patient lives here (decision 5)."""

import math
from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from ..blocks import RICH_TEXT_FEATURES, BodyBlock
from ..outcome_blocks import ArticleBodyBlock
from ..page_cache import mark_cacheable

WORDS_PER_MINUTE = 200


class HomePage(Page):
    hero_heading = models.CharField(_("hero heading"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]
    subpage_types = [
        "website.ServiceIndexPage",
        "website.ArticleIndexPage",
        "website.PractitionerPage",
        "website.ContactPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["services"] = ServicePage.objects.live().public().order_by("path")[:8]
        context["articles"] = (
            ArticlePage.objects.live().public().order_by("-date", "-pk").select_related("image")[:3]
        )
        context["practitioners"] = PractitionerPage.objects.live().public().order_by("path")
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)


class ServiceIndexPage(Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ServicePage"]

    class Meta:
        verbose_name = _("services index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["services"] = ServicePage.objects.child_of(self).live().public().order_by("path")
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)


class ServicePage(Page):
    summary = models.CharField(_("summary"), max_length=200)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("description"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5)]
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("duration_minutes"), FieldPanel("price")], _("Booking")),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["website.ServiceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("service")

    def booking_path(self, booking_url: str = "/book/") -> str:
        return f"{booking_url}?service={self.slug}"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)


class PractitionerPage(Page):
    credentials = models.CharField(
        _("credentials"), max_length=200, help_text=_("e.g. L.Ac., Dipl. OM (NCCAOM)")
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    bio = RichTextField(_("biography"), features=RICH_TEXT_FEATURES, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(_("photo alt text"), max_length=250, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("credentials"),
        FieldPanel("licence"),
        FieldPanel("languages"),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt")], _("Photo")),
        FieldPanel("bio"),
    ]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("practitioner")

    @property
    def language_list(self) -> list[str]:
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)


@register_snippet
class ArticleCategory(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True, max_length=80)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "website.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleIndexPage(Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    per_page = models.PositiveSmallIntegerField(_("articles per page"), default=10)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("per_page")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]

    class Meta:
        verbose_name = _("articles index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        context = super().get_context(request, *args, **kwargs)
        articles = (
            ArticlePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image", "author")
            .prefetch_related("categories")
            .order_by("-date", "-pk")
        )
        # NUL bytes are refused by PostgreSQL text comparisons; no slug contains one.
        category_slug = request.GET.get("category", "").replace("\x00", "")[:100]
        category = ArticleCategory.objects.filter(slug=category_slug).first()
        if category:
            articles = articles.filter(categories=category)
        tag = request.GET.get("tag", "").replace("\x00", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__slug=tag)
        paginator = Paginator(articles, max(self.per_page, 1))
        try:
            page = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page = paginator.page(1)
        except EmptyPage:
            page = paginator.page(paginator.num_pages)
        context.update(
            articles=page,
            paginator=paginator,
            category=category,
            tag=tag,
            categories=ArticleCategory.objects.all(),
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)


class ArticlePage(Page):
    lead = models.TextField(_("lead"), max_length=400)
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        "website.PractitionerPage",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image for lists and sharing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("image alt text"), max_length=250, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    categories = ParentalManyToManyField(
        "website.ArticleCategory", blank=True, verbose_name=_("categories")
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    related_services = ParentalManyToManyField(
        "website.ServicePage", blank=True, related_name="+", verbose_name=_("related services")
    )
    comments_open = models.BooleanField(_("comments open"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("date"), FieldPanel("author")], _("Byline")),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], _("Image")),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("categories"), FieldPanel("tags"), FieldPanel("related_services")],
            _("Topics"),
        ),
        FieldPanel("comments_open"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["website.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    @property
    def word_count(self) -> int:
        words = len(self.lead.split())
        for block in self.body:
            if block.block_type in {"heading", "quote"}:
                words += len(str(block.value).split())
            elif block.block_type == "paragraph":
                words += len(strip_tags(block.value.source).split())
        return words

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def get_context(
        self, request: HttpRequest, *args: Any, comment_form: Any = None, **kwargs: Any
    ) -> dict:
        from ..comment_views import article_context

        context = super().get_context(request, *args, **kwargs)
        context.update(article_context(self, request, comment_form))
        # Plain iteration: in a preview this is an unsaved relation, not a queryset.
        context["related"] = sorted(
            (s for s in self.related_services.all() if s.live), key=lambda s: s.path
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from ..comment_views import serve_article_with_comments

        return serve_article_with_comments(self, request, super().serve, *args, **kwargs)


class ContactPage(Page):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("contact page")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        mark_cacheable(request)
        return super().serve(request, *args, **kwargs)
