"""An article block that states one of the clinic's results as a live, dated figure (issue 7 D).

The practitioner picks the claim (a fixed quantifier, a fixed figure and the condition: the
same choices as the claim check on /desk/outcomes/) and the period it looks back over. The
block can only be saved while the clinic's data supports it (`clean`). On the public page it
shows the figure as it is now: "67% of our back-pain patients (40 of 60; 95% CI 54%-78%) ...
as of 26 November 2026", linking to /outcomes/how-we-measure/.

When later data no longer supports the claim, the claim's wording is withdrawn and the
current figure is shown instead, labelled "no longer supported": hiding it would let the page
keep only the good news, and a stale figure would be untrue. Below MIN_PATIENTS nothing numeric
is shown at all (small numbers mislead, and could point at a person).

Freshness: the figure is computed at most once per FIGURE_SECONDS (its own cache entry, keyed
by the claim and the day) and the page that holds it is cached by page_cache for at most
PAGE_CACHE_SECONDS. Bumping the content version on every score instead would empty the whole
site's cache at every check-in, so the figure is at most about an hour old, and says its date.
Only aggregates leave the outcomes app: counts, a percentage and an interval.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from acuclinic.outcomes import report, stats

from .blocks import BodyBlock

MIN_PATIENTS: Final = 20
FIGURE_SECONDS: Final = 3600
CONDITION_LABELS: Final = {"back-pain": _("back-pain patients")}
PERIOD_CHOICES: Final = [(12, _("the last 12 months")), (24, _("the last 24 months"))]


class State:
    SUPPORTED = "supported"
    NO_LONGER = "no-longer-supported"
    TOO_FEW = "too-few"


@dataclass(frozen=True)
class LiveFigure:
    state: str
    verdict: str
    n: int
    total: int
    percent: str  # "67%"; "" when too few to show
    low: str
    high: str
    as_of: date

    @property
    def shown(self) -> bool:
        return self.state != State.TOO_FEW


def compute(quantifier: str, figure: str, condition: str, months: int, now: datetime) -> LiveFigure:
    """The claim's figure over the `months` before `now` (uncached)."""
    from acuclinic.outcomes.views import build_full_report

    filters = report.Filters(start=now - timedelta(days=round(months * 365.25 / 12)), end=now)
    result = build_full_report(filters, condition, now)
    check = report.check_claim(result, report.Quantifier(quantifier), report.Figure(figure))
    rate = check.outcome.rate
    as_of = timezone.localdate(now)
    if rate.total < MIN_PATIENTS or rate.proportion is None:
        return LiveFigure(State.TOO_FEW, str(check.verdict), 0, 0, "", "", "", as_of)
    state = State.SUPPORTED if check.verdict is report.Verdict.SUPPORTED else State.NO_LONGER
    return LiveFigure(
        state,
        str(check.verdict),
        rate.n,
        rate.total,
        stats._percent(rate.proportion),
        stats._percent(rate.low),
        stats._percent(rate.high),
        as_of,
    )


def live(quantifier: str, figure: str, condition: str, months: int) -> LiveFigure:
    """compute(), cached for FIGURE_SECONDS and never across days."""
    now = timezone.now()
    key = f"outcome-claim:{quantifier}:{figure}:{condition}:{months}:{timezone.localdate(now)}"
    found = cache.get(key)
    if isinstance(found, LiveFigure):
        return found
    value = compute(quantifier, figure, condition, months, now)
    cache.set(key, value, FIGURE_SECONDS)
    return value


class OutcomeClaimBlock(blocks.StructBlock):
    quantifier = blocks.ChoiceBlock(
        choices=[(q.value, label) for q, (label, _t, _s) in report.QUANTIFIERS.items()],
        label=_("How many patients"),
    )
    figure = blocks.ChoiceBlock(
        choices=[(f.value, label) for f, label in report.FIGURE_LABELS.items()],
        label=_("Result"),
    )
    condition = blocks.ChoiceBlock(
        choices=list(CONDITION_LABELS.items()), default="back-pain", label=_("Patients")
    )
    months = blocks.ChoiceBlock(
        choices=[(str(m), label) for m, label in PERIOD_CHOICES],
        default="24",
        label=_("Looking back over"),
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        figure = compute(
            value["quantifier"],
            value["figure"],
            value["condition"],
            int(value["months"]),
            timezone.now(),
        )
        if figure.state == State.TOO_FEW:
            message = _(
                "Fewer than %(min)s patients have the scores this result needs: it cannot be "
                "shown publicly yet."
            ) % {"min": MIN_PATIENTS}
        elif figure.state != State.SUPPORTED:
            message = _(
                "Your data does not support this claim (%(percent)s; 95%% CI "
                "%(low)s-%(high)s): check it on the outcomes page first."
            ) % {"percent": figure.percent, "low": figure.low, "high": figure.high}
        else:
            return value
        raise StructBlockValidationError(block_errors={"figure": ValidationError(message)})

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> Any:
        context = super().get_context(value, parent_context)
        context["live"] = live(
            value["quantifier"], value["figure"], value["condition"], int(value["months"])
        )
        context["quantifier_label"] = report.QUANTIFIERS[report.Quantifier(value["quantifier"])][0]
        context["figure_label"] = report.FIGURE_LABELS[report.Figure(value["figure"])]
        context["condition_label"] = CONDITION_LABELS.get(value["condition"], "")
        context["min_patients"] = MIN_PATIENTS
        context["how_we_measure"] = HOW_WE_MEASURE
        return context

    class Meta:
        icon = "table"
        template = "website/blocks/outcome_claim.html"
        label = _("Our results (live figure)")


HOW_WE_MEASURE: Final = "/outcomes/how-we-measure/"  # outcomes/public_urls.py


class ArticleBodyBlock(BodyBlock):
    """The article body: the shared body blocks plus the live result."""

    outcome_claim = OutcomeClaimBlock()
