"""The published figures: complete references, figures as in DOMAIN.md."""

import pytest

from acuclinic.outcomes import published
from acuclinic.outcomes.published import PUBLICATIONS, Kind, Unit


@pytest.mark.parametrize("publication", PUBLICATIONS.values(), ids=list(PUBLICATIONS))
def test_every_publication_has_a_full_reference_and_a_description(
    publication: published.Publication,
) -> None:
    assert str(publication.year) in publication.citation
    assert publication.url.startswith("https://")
    assert str(publication.description)
    assert publication.verified


def test_gerac_responder_rates_at_6_months() -> None:
    figures = {str(f.label): (f.value, f.unit) for f in published.GERAC_2007.figures}
    assert figures == {
        "Acupuncture": (47.6, Unit.PERCENT),
        "Sham acupuncture": (44.2, Unit.PERCENT),
        "Conventional therapy": (27.4, Unit.PERCENT),
    }


def test_cherkin_rmdq_changes_and_meaningful_improvement() -> None:
    values = [f.value for f in published.CHERKIN_2009.figures]
    assert values == [-4.4, -4.5, -4.4, -2.1, 60, 39]


def test_the_guidelines_differ() -> None:
    assert [p.key for p in published.GUIDELINES] == ["acp-2017", "who-2023", "nice-ng59"]
    assert all(p.kind is Kind.GUIDELINE and not p.figures for p in published.GUIDELINES)
