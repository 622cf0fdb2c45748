"""The article block that states a result as a live figure: it refuses a claim the data does
not support (or that too few patients stand behind), renders the current figure with n, N and
the interval, says "no longer supported" when later data disagrees, and the public
how-we-measure page never shows a figure below the minimum number of patients."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from wagtail.blocks.struct_block import StructBlockValidationError

import acuclinic.urls
from acuclinic.outcomes import stats
from acuclinic.outcomes.models import Score
from acuclinic.outcomes.tests import factories as f
from acuclinic.website.models import ArticlePage
from acuclinic.website.outcome_blocks import MIN_PATIENTS, OutcomeClaimBlock, State, compute
from acuclinic.website.tests.helpers import ARTICLE

urlpatterns = [
    path("outcomes/", include("acuclinic.outcomes.public_urls")),
    *acuclinic.urls.urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
HOW = "/outcomes/how-we-measure/"
CLAIM = {"quantifier": "most", "figure": "first-50", "condition": "back-pain", "months": "24"}


@pytest.fixture(autouse=True)
def only_our_patients(settings):  # type: ignore[no-untyped-def]
    """No demo scores (their timing is not ours to rely on); a fresh figure cache."""
    Score.objects.all().delete()
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def patients(responders: int, others: int) -> None:
    """Back-pain patients who started about 40 days ago: pain 8 at the first visit, then 3 (a
    substantial response) or 7 (none) when they came back a week later."""
    by = f.practitioner()
    start = timezone.now() - timedelta(days=40)
    for i in range(responders + others):
        when = start + timedelta(hours=i)  # one practitioner: one patient at a time
        f.course(f.patient(), by, [8, 3 if i < responders else 7], start=when)


def block_value(**changes: str):  # type: ignore[no-untyped-def]
    block = OutcomeClaimBlock()
    return block, block.to_python({**CLAIM, **changes})


def test_a_supported_claim_is_accepted_and_rendered_live() -> None:
    patients(24, 1)
    block, value = block_value()
    assert block.clean(value)["figure"] == "first-50"
    article = ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture")
    article.body.append(("outcome_claim", value))
    article.save_revision().publish()
    page = Client().get(ARTICLE).content.decode()
    low, high = stats.wilson_interval(24, 25)
    expected = (
        f"<strong>96%</strong> of our back-pain patients (24 of 25; 95% CI "
        f"{stats._percent(low)}-{stats._percent(high)})"
    )
    assert expected in page
    assert 'data-outcome-claim="supported"' in page and f'href="{HOW}"' in page
    assert "as of" in page
    # Later data no longer supports it: the current figure, honestly labelled.
    patients(0, 30)
    cache.clear()  # the figure's own cache (an hour) has run out
    page = Client().get(ARTICLE).content.decode()
    assert 'data-outcome-claim="no-longer-supported"' in page
    assert "No longer supported:" in page and "44% of our back-pain patients (24 of 55" in page


def test_an_unsupported_claim_is_refused() -> None:
    patients(5, 20)
    block, value = block_value()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert "does not support this claim (20%" in str(refused.value.block_errors["figure"])
    # "At least a third" is not supported by 20% either; nor "nearly all" by 24 of 25.
    with pytest.raises(StructBlockValidationError):
        block.clean(block_value(quantifier="third")[1])


def test_too_few_patients_cannot_be_claimed_nor_shown() -> None:
    patients(MIN_PATIENTS - 1, 0)  # every one a responder, but only 19
    block, value = block_value()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert "Fewer than 20 patients" in str(refused.value.block_errors["figure"])
    figure = compute("most", "first-50", "back-pain", 24, timezone.now())
    assert figure.state == State.TOO_FEW and figure.percent == "" and not figure.shown
    page = Client().get(HOW)
    assert page.status_code == 200
    html = page.content.decode()
    assert "How we measure our results" in html
    assert html.count("not enough patients yet") == 5  # every figure withheld
    assert "19 of 19" not in html and "100%" not in html


def test_the_public_page_shows_figures_from_the_minimum_on() -> None:
    patients(MIN_PATIENTS, 0)
    html = Client().get(HOW).content.decode()
    assert "100% (20 of 20; 95% CI 84%-100%)" in html
    assert "Marlow" not in html and "Rowan" not in html  # no names, aggregates only
