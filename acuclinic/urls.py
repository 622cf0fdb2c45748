from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from .api.main import api
from .clinic import signin
from .website import views as website_views
from .website.comment_views import altcha_challenge
from .website.feeds import ArticlesAtomFeed, ArticlesRssFeed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # allauth's sign-in and code pages with the clinic's templates and rules (clinic/signin.py)
    path("accounts/login/", signin.sign_in, name="account_login"),
    path("accounts/login/code/", signin.request_code, name="account_request_login_code"),
    path("accounts/login/code/confirm/", signin.confirm_code, name="account_confirm_login_code"),
    path("accounts/", include("allauth.urls")),
    path("desk/visits/", include("acuclinic.charting.urls")),
    path("desk/outcomes/", include("acuclinic.outcomes.urls")),
    path("desk/herbs/", include("acuclinic.herbs.urls")),
    path("desk/interop/", include("acuclinic.interop.urls")),
    path("desk/", include("acuclinic.desk.urls")),
    path("portal/questionnaires/", include("acuclinic.outcomes.portal_urls")),
    path("portal/progress/", include("acuclinic.outcomes.progress_urls")),
    path("portal/", include("acuclinic.patients.portal.urls")),
    path("outcomes/", include("acuclinic.outcomes.public_urls")),
    path("book/", include("acuclinic.scheduling.urls")),
    path("api/", api.urls),
    path("comments/challenge/", altcha_challenge, name="comment_challenge"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", website_views.robots_txt, name="robots_txt"),
    path("feed/rss/", ArticlesRssFeed(), name="feed_rss"),
    path("feed/atom/", ArticlesAtomFeed(), name="feed_atom"),
    path("healthz", website_views.healthz, name="healthz"),
]

if settings.BENCH_VIEWS:
    urlpatterns.append(path("bench/bare/", website_views.bare, name="bench_bare"))

if settings.SERVE_MEDIA:
    # Uploaded images are public content. A small clinic's single server can hand them out
    # itself; a bigger install lets its reverse proxy serve MEDIA_ROOT and sets SERVE_MEDIA=0.
    from django.views.static import serve

    def media(request, path):  # type: ignore[no-untyped-def]
        # MEDIA_ROOT read per request, not when this module is first imported (a test
        # session, or anything else, may point it elsewhere after that).
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", media))

urlpatterns.append(path("", include(wagtail_urls)))
