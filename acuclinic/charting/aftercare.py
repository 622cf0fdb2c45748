"""Aftercare texts per modality (issue 5 D): our own plain-language advice, chosen from what a
visit did. They hold no diagnosis and no note: only what any patient who had that treatment
is told. The practitioner may edit the result before or after it is sent.

Pure: no ORM, no request.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

ACUPUNCTURE = "acupuncture"

# In the order they are given. Each is a short paragraph; the whole text is joined by blank lines.
TEXTS = {
    ACUPUNCTURE: _(
        "After acupuncture: rest for the rest of the day if you can, drink water and eat "
        "normally. Feeling tired or a little light-headed is common and passes. A small bruise "
        "or a dull ache where a needle was can last a day or two. Avoid a hot bath, heavy "
        "exercise and alcohol until tomorrow."
    ),
    "cupping": _(
        "After cupping: the round marks are normal and fade in 3 to 10 days; they are not "
        "bruises and do not hurt much. Keep the area warm and covered, out of wind and cold, "
        "and drink water. Wait a few hours before a shower, and avoid a sauna or swimming "
        "until tomorrow."
    ),
    "gua_sha": _(
        "After gua sha: the red or purple marks (sha) are normal and fade in 2 to 5 days. "
        "Keep the area covered and warm, drink water, and avoid a cold shower, wind on the "
        "skin and heavy exercise until tomorrow."
    ),
    "massage": _(
        "After massage: some muscle soreness the next day is normal. Drink water, keep "
        "moving gently, and use warmth if an area feels stiff."
    ),
    "moxa": _(
        "After moxibustion: the warmed skin may stay pink for a few hours. If a small blister "
        "appears, do not break it: keep it clean and dry and cover it loosely. Cool a red, "
        "painful spot under cool (not icy) running water for ten minutes. If a blister is "
        "larger than a fingernail or looks infected, call us."
    ),
}
CLOSING = _("If anything worries you after your treatment, call the clinic.")


def kinds_for(modality_kinds: Iterable[str], *, needled: bool) -> list[str]:
    """The aftercare texts a visit calls for, in TEXTS order, once each."""
    wanted = set(modality_kinds)
    if needled:
        wanted.add(ACUPUNCTURE)
    return [kind for kind in TEXTS if kind in wanted]


def compose(modality_kinds: Iterable[str], *, needled: bool) -> str:
    """The aftercare text for a visit: one paragraph per treatment given, then the closing
    line; empty if nothing was given."""
    kinds = kinds_for(modality_kinds, needled=needled)
    if not kinds:
        return ""
    return "\n\n".join([*(str(TEXTS[k]) for k in kinds), str(CLOSING)])
