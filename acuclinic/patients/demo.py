"""The demo clinic's consent texts: version 1 of the consent to treatment and of the privacy
notice, written for the fictional Juniper Mesa Acupuncture. Idempotent."""

from datetime import date

from .models import ConsentDocument, ConsentKind

PUBLISHED = date(2026, 1, 5)

TREATMENT = """\
Juniper Mesa Acupuncture is a fictional clinic used to demonstrate this software. This text is \
an example; a real clinic writes its own with its own adviser.

What we offer
Your practitioner may suggest one or more of these: acupuncture (fine, sterile, single-use \
needles placed in the skin, sometimes with a mild electrical current), cupping (cups that draw \
the skin up by suction), gua sha (firm strokes over the skin with a smooth-edged tool), \
massage, and Chinese herbal medicine (herbs taken as tea, powder or tablets).

What to expect, and the usual risks
- Acupuncture: a brief sting or ache when a needle goes in; small bruises or a drop of blood \
where a needle was; feeling tired or light-headed afterwards. Fainting is rare; tell us if \
needles have made you faint before, and eat something before your visit.
- Cupping and gua sha: round marks or red-purple patches that are not painful as a rule and \
fade within about a week; some tenderness for a day or two.
- Massage: soreness for a day or two, like after exercise.
- Herbs: an upset stomach, a rash or other reactions are possible, and herbs can interact \
with medicines. Tell us about every medicine and supplement you take, and stop the herbs and \
call us if you feel unwell.
Serious problems are rare. Tell us if you are pregnant or trying to be, have a bleeding \
disorder or take blood thinners, have a pacemaker, or have any other health condition.

Your choices
You can ask questions at any time, say no to any treatment, and stop a treatment while it is \
happening. Acupuncture and the other treatments here do not replace care from your doctor; if \
we think you should see one, we will tell you.

By signing, you say that you have read this, that your questions have been answered, and that \
you agree to treatment at the clinic.
"""

PRIVACY = """\
Juniper Mesa Acupuncture is a fictional clinic used to demonstrate this software. This text is \
an example; a real clinic writes its own with its own adviser.

What we keep
Your name and contact details, your date of birth, your appointments, the forms you fill in, \
your practitioner's notes about your treatment, and any reports or letters you give us.

Why
To book and remind you of appointments, to treat you safely, and to keep the records the law \
asks a clinic to keep.

Who sees it
Your practitioners see your health records. The front desk sees your contact details and \
appointments, not your notes. We do not sell your information or give it to advertisers. We \
share it only when you ask us to (for example with your doctor) or when the law requires it. \
Every time someone at the clinic opens your records, it is logged.

Your rights
You can ask for a copy of everything we hold about you, ask us to correct it, and ask us to \
delete it where the law allows; some records must be kept for a number of years after your \
last visit.

By signing, you say that you have read this notice.
"""

DOCUMENTS = [
    (ConsentKind.TREATMENT, "Consent to treatment", TREATMENT),
    (ConsentKind.PRIVACY, "Privacy notice", PRIVACY),
]


def seed() -> int:
    """Add version 1 of each text if missing; the number of rows created."""
    created = 0
    for kind, title, text in DOCUMENTS:
        _, new = ConsentDocument.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={"title": title, "text": text, "published_on": PUBLISHED},
        )
        created += new
    return created
