"""Warnings for a treatment, from the points needled, the other modalities and the intake.

Each warning has a stable code ("pregnancy:LI4", "electro-pacemaker", "bleeding:cupping",
"depth-lung:BL13"); a visit cannot be signed until every current code is acknowledged
(actions.sign_visit). A code is about one fact, so acknowledging BL23's depth does not cover a
new BL52 added later.

The rules:
- a point flagged `pregnancy` in points.py, when the intake says pregnant (or might be);
- electro-stimulation on any needle, when the intake says pacemaker or other electronic implant;
- cupping or gua sha, when the intake says a bleeding disorder or a blood thinner;
- a point flagged `over-lung` needled deeper than LUNG_DEPTH_MM, or `over-kidney` deeper
  than KIDNEY_DEPTH_MM (a depth not recorded does not warn: the practitioner saw the flag in
  the picker);
- a point flagged `no-needling` (a landmark, or moxa only) recorded as needled.

Pure: no ORM, no request.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext

from . import points

# Conservative limits chosen for this project (not a published safe depth, which varies with
# build and angle): a needle over the lung beyond 10 mm, or over the kidney beyond 25 mm,
# asks for an acknowledgement. Verify against the clinic's own safety policy.
LUNG_DEPTH_MM = 10
KIDNEY_DEPTH_MM = 25

PREGNANT_VALUE = "pregnant"  # the intake's pregnancy option "I am pregnant, or might be"


@dataclass(frozen=True)
class Facts:
    """What the intake says that matters for a treatment's safety."""

    pregnant: bool = False
    pacemaker: bool = False
    bleeding_risk: bool = False


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


class _Definition(Protocol):
    def by_role(self, role: str) -> Any: ...


def facts_from_answers(definition: _Definition | None, answers: object) -> Facts:
    """The facts from an intake's answers, found by the questions' roles (not ids)."""
    if definition is None or not isinstance(answers, Mapping):
        return Facts()

    def answer(role: str) -> object:
        question = definition.by_role(role)
        return answers.get(question.id) if question is not None else None

    pregnancy = answer("pregnancy")
    return Facts(
        pregnant=isinstance(pregnancy, list | tuple) and PREGNANT_VALUE in pregnancy,
        pacemaker=answer("pacemaker") is True,
        bleeding_risk=answer("bleeding_risk") is True,
    )


def _get(item: object, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _deeper(depth: object, limit: int) -> bool:
    return isinstance(depth, int) and not isinstance(depth, bool) and depth > limit


def warnings_for(
    needles: Iterable[object], modalities: Iterable[object], facts: Facts
) -> list[Warning]:
    """The warnings for this treatment, each code once, in a stable order (points in the
    order given, then electro, then modalities). Items are mappings or objects with the
    NeedlePoint / Modality field names."""
    found: dict[str, Warning] = {}

    def add(code: str, message: str) -> None:
        found.setdefault(code, Warning(code, message))

    electro: list[str] = []
    for needle in needles:
        point = points.get(_get(needle, "code") or "")
        if point is None:
            continue
        depth = _get(needle, "depth_mm")
        if facts.pregnant and "pregnancy" in point.cautions:
            add(
                f"pregnancy:{point.code}",
                gettext(
                    "%(code)s is traditionally avoided in pregnancy, and the intake says pregnant."
                )
                % {"code": point.code},
            )
        if "over-lung" in point.cautions and _deeper(depth, LUNG_DEPTH_MM):
            add(
                f"depth-lung:{point.code}",
                gettext(
                    "%(code)s lies over the lung: %(depth)d mm is deeper than %(limit)d mm "
                    "(risk of pneumothorax)."
                )
                % {"code": point.code, "depth": depth, "limit": LUNG_DEPTH_MM},
            )
        if "over-kidney" in point.cautions and _deeper(depth, KIDNEY_DEPTH_MM):
            add(
                f"depth-kidney:{point.code}",
                gettext("%(code)s lies over the kidney: %(depth)d mm is deeper than %(limit)d mm.")
                % {"code": point.code, "depth": depth, "limit": KIDNEY_DEPTH_MM},
            )
        if "no-needling" in point.cautions:
            add(
                f"no-needling:{point.code}",
                gettext("%(code)s is not needled (a landmark, or moxa only).")
                % {"code": point.code},
            )
        if _get(needle, "electro_hz") is not None and point.code not in electro:
            electro.append(point.code)
    if facts.pacemaker and electro:
        add(
            "electro-pacemaker",
            gettext(
                "Electro-stimulation (%(points)s) and the intake says pacemaker or another "
                "electronic implant."
            )
            % {"points": ", ".join(electro)},
        )
    if facts.bleeding_risk:
        for modality in modalities:
            kind = _get(modality, "kind")
            if kind == "cupping":
                add(
                    "bleeding:cupping",
                    gettext("Cupping, and the intake says a bleeding disorder or blood thinner."),
                )
            elif kind == "gua_sha":
                add(
                    "bleeding:gua_sha",
                    gettext("Gua sha, and the intake says a bleeding disorder or blood thinner."),
                )
    return list(found.values())


def unacknowledged(warnings: Iterable[Warning], acknowledged: Iterable[str]) -> list[Warning]:
    done = set(acknowledged)
    return [w for w in warnings if w.code not in done]
