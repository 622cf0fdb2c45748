"""Demo content for the fictional clinic loaded by the ``seed_demo`` command.

Everything in this module is fictional and was written for the acuclinic demo: the
clinic, its address, phone number (555-01xx range), e-mail (example.com), the
practitioner, the licence number and all of the text. Research findings mentioned in
the articles are cited inline to their published sources.

Body blocks are tuples of ``(kind, value)`` where kind is one of ``"heading"``,
``"paragraph"``, ``"list"`` (value is a list of strings), ``"quote"`` or ``"image"``
(value is ``""``; it marks where the article's generated illustration goes).
"""

from typing import Any

CLINIC: dict[str, Any] = {
    "name": "Juniper Mesa Acupuncture",
    "tagline": "Acupuncture, bodywork and Chinese herbal medicine in Lakewood, Colorado",
    "phone": "(303) 555-0142",
    "phone_e164": "+13035550142",
    "email": "hello@example.com",
    "street": "1185 Garrison Street, Suite 204",
    "city": "Lakewood",
    "region": "CO",
    "postal_code": "80215",
    "country": "US",
    "time_zone": "America/Denver",
    "map_url": (
        "https://www.openstreetmap.org/search?query="
        "1185%20Garrison%20Street%2C%20Lakewood%2C%20CO%2080215"
    ),
    # weekday 0=Monday .. 6=Sunday; local wall-clock time (America/Denver);
    # closed days (Sunday) are omitted.
    "hours": [
        {"weekday": 0, "opens": "09:00", "closes": "18:00"},
        {"weekday": 1, "opens": "10:00", "closes": "19:00"},
        {"weekday": 2, "opens": "09:00", "closes": "18:00"},
        {"weekday": 3, "opens": "10:00", "closes": "19:00"},
        {"weekday": 4, "opens": "09:00", "closes": "15:00"},
        {"weekday": 5, "opens": "09:00", "closes": "13:00"},
    ],
}

PRACTITIONER: dict[str, Any] = {
    "slug": "lena-qiao",
    "name": "Lena Qiao",
    "credentials": "L.Ac., MSOM, Dipl. OM (NCCAOM)",
    "licence": "Colorado acupuncture licence no. ACU.0000000 (demo)",
    "languages": ["English", "Mandarin"],
    "bio": [
        (
            "Lena Qiao grew up in Kunming, in southwest China, where her grandmother "
            "kept a cabinet of dried roots and seeds in the kitchen and the family "
            "visited the neighborhood acupuncturist as readily as the family doctor. She "
            "came to Colorado for university, studied kinesiology, and spent several "
            "years working beside physical therapists in a sports rehabilitation clinic "
            "before deciding to train as an acupuncturist herself."
        ),
        (
            "She completed a four-year master's degree in acupuncture and Chinese herbal "
            "medicine, holds national board certification in Oriental medicine from the "
            "NCCAOM, and is licensed to practice acupuncture in Colorado. Her work "
            "centers on low back pain, neck and shoulder tension, and the aches that "
            "come with running, climbing and long days at a desk. She follows the "
            "research on acupuncture for pain closely and is always happy to talk "
            "through what it does, and does not, show."
        ),
        (
            "Lena sees patients in English and Mandarin. She believes good care means "
            "listening carefully, explaining things plainly, and working alongside your "
            "physician rather than in place of them. Outside the clinic you will usually "
            "find her on the trails up Green Mountain or searching West Colfax for the "
            "best dumplings in town."
        ),
    ],
    "photo_alt": ("Placeholder for a photo of Lena Qiao: a green outline of a head and shoulders"),
}

HOME: dict[str, Any] = {
    "title": "Juniper Mesa Acupuncture",
    "hero_heading": "Calm, careful acupuncture in Lakewood",
    "hero_text": (
        "Acupuncture, bodywork and Chinese herbal medicine for back pain, muscle tension "
        "and everyday aches, with honest advice about what to expect. Evening "
        "appointments on Tuesdays and Thursdays."
    ),
    "intro": [
        (
            "Juniper Mesa Acupuncture is a small, independent clinic just south of West "
            "Colfax in Lakewood. Our acupuncturist, Lena Qiao, L.Ac., takes time to "
            "understand what brings you in, explains what acupuncture can and cannot do, "
            "and builds a plan that fits your life and your budget."
        ),
        (
            "Many of our patients come to us with chronic low back pain, stiff necks and "
            "shoulders from desk work, or sore muscles from running and climbing. In "
            "clinical trials acupuncture has helped many people with back pain, though "
            "not everyone, so we track your progress from the first visit and tell you "
            "honestly if treatment is not working."
        ),
        (
            "We work alongside your physician, physical therapist and pharmacist, never "
            "instead of them. If something you tell us needs a medical opinion first, we "
            "will say so and help you get one."
        ),
    ],
}

CATEGORIES: list[dict[str, str]] = [
    {"slug": "pain-relief", "name": "Pain relief"},
    {"slug": "bodywork", "name": "Cupping, gua sha and massage"},
    {"slug": "herbal-medicine", "name": "Herbal medicine"},
    {"slug": "your-visit", "name": "Your visit"},
]

# Shown on the site in this order.
SERVICES: list[dict[str, Any]] = [
    {
        "slug": "acupuncture-back-pain",
        "title": "Acupuncture for back pain",
        "summary": (
            "Acupuncture for acute and chronic low back pain, with a clear plan, regular "
            "progress checks and coordination with your physician."
        ),
        "duration_minutes": 60,
        "price": "95.00",
        "body": [
            (
                "paragraph",
                (
                    "Low back pain is the most common reason people book with us. We use "
                    "fine, sterile, single-use needles at points on the lower back, hips "
                    "and legs, including points similar to those used in large clinical "
                    "trials of acupuncture for back pain, together with tender spots in "
                    "the muscles themselves."
                ),
            ),
            ("heading", "What to expect"),
            (
                "paragraph",
                (
                    "Your first visit takes 90 minutes and includes a detailed history, "
                    "a gentle physical assessment and your first treatment. Follow-up "
                    "visits last about an hour, with 20 to 30 minutes of rest while the "
                    "needles are in. Most people feel a dull ache or heaviness around "
                    "the needles and find the session relaxing. Where it suits you, we "
                    "may add heat, cupping or massage."
                ),
            ),
            ("heading", "Course of treatment and cautions"),
            (
                "paragraph",
                (
                    "A typical trial course is six to eight sessions over about six "
                    "weeks. We measure your pain and function with a short questionnaire "
                    "and review progress after four or five visits; if you are not "
                    "improving, we will tell you. Please see a physician first if your "
                    "back pain comes with new bladder or bowel problems, numbness around "
                    "the groin or buttocks, worsening leg weakness, fever, unexplained "
                    "weight loss, a history of cancer or a recent serious injury. Let us "
                    "know if you take blood thinners, have a bleeding disorder or are "
                    "pregnant, as some points are avoided in pregnancy."
                ),
            ),
        ],
    },
    {
        "slug": "acupuncture-muscle-aches",
        "title": "Acupuncture for muscle aches and tension",
        "summary": (
            "Relief for tight, sore muscles from desk work, training or stress, "
            "combining acupuncture with hands-on work where it helps."
        ),
        "duration_minutes": 60,
        "price": "95.00",
        "body": [
            (
                "paragraph",
                (
                    "Muscles that stay tight for weeks can wear you down. We place fine "
                    "needles in tense, tender areas and at related points on the arms "
                    "and legs, and often combine them with tui na massage, cupping or "
                    "gua sha. We commonly help with:"
                ),
            ),
            (
                "list",
                [
                    "Neck and shoulder tension from long hours at a screen",
                    "Aching between the shoulder blades",
                    "Tight hips, calves and hamstrings from running or hiking",
                    "Forearm and finger strain from climbing or repetitive work",
                    "Jaw tension and clenching linked to stress",
                ],
            ),
            ("heading", "What to expect and cautions"),
            (
                "paragraph",
                (
                    "Sessions last about an hour. Muscles may feel a little sore for a "
                    "day afterwards, much like after a workout, and small bruises "
                    "occasionally appear where needles were placed. Over the upper back "
                    "and chest we needle shallowly and at an angle, because deep "
                    "needling there could, rarely, injure the lung. Please tell us if "
                    "you take blood thinners, are pregnant, or have a pacemaker or other "
                    "implanted device, as we then avoid electrical stimulation."
                ),
            ),
        ],
    },
    {
        "slug": "acupuncture-pain-control",
        "title": "Acupuncture for pain control",
        "summary": (
            "Acupuncture as one part of a wider plan for long-term pain, such as knee "
            "osteoarthritis, headaches or shoulder pain, alongside your medical care."
        ),
        "duration_minutes": 60,
        "price": "95.00",
        "body": [
            (
                "paragraph",
                (
                    "For pain that has lasted months or years, acupuncture can be one "
                    "useful part of a wider plan that also includes exercise, sleep, "
                    "stress management and the treatment your physician provides. It "
                    "does not cure the underlying condition, but many people find it "
                    "eases pain and helps them stay active."
                ),
            ),
            ("heading", "What to expect"),
            (
                "paragraph",
                (
                    "We may use manual needling, gentle electrical stimulation of the "
                    "needles (electroacupuncture) or heat. A first course is usually six "
                    "to eight weekly sessions. If treatment helps, some patients "
                    "continue with a visit every few weeks; if it does not, we stop and "
                    "talk about other options."
                ),
            ),
            ("heading", "Cautions"),
            (
                "paragraph",
                (
                    "Acupuncture is not a substitute for diagnosis: new, severe or "
                    "unexplained pain should be assessed by a physician first. We never "
                    "use electroacupuncture on people with a pacemaker or other "
                    "implanted electrical device, we adapt treatment in pregnancy, and "
                    "we will never ask you to stop a prescribed medicine. Please talk to "
                    "your prescriber before changing any medication."
                ),
            ),
        ],
    },
    {
        "slug": "massage",
        "title": "Tui na / therapeutic massage",
        "summary": (
            "Tui na is a vigorous Chinese therapeutic massage that uses pressing, "
            "kneading and stretching to ease stiff muscles and joints."
        ),
        "duration_minutes": 60,
        "price": "90.00",
        "body": [
            (
                "paragraph",
                (
                    "Tui na (pronounced 'tway nah') is a form of Chinese therapeutic "
                    "massage. It uses rhythmic pressing, kneading, rolling and "
                    "stretching along muscles and around joints, and it works well on "
                    "its own or combined with acupuncture."
                ),
            ),
            ("heading", "What to expect"),
            (
                "paragraph",
                (
                    "Treatment is usually done through light clothing, so wear something "
                    "loose and comfortable. Pressure is firm but always adjustable: tell "
                    "us if you want more or less. Some people feel a little sore the "
                    "next day, which normally settles within a day or two."
                ),
            ),
            ("heading", "Cautions"),
            (
                "paragraph",
                (
                    "We do not massage over fresh injuries, fractures, skin infections, "
                    "open wounds or areas of suspected blood clots. Please tell us if "
                    "you have osteoporosis, take blood thinners, have had recent surgery "
                    "or are pregnant, so we can adjust the pressure, the position or the "
                    "areas we work on."
                ),
            ),
        ],
    },
    {
        "slug": "cupping",
        "title": "Cupping",
        "summary": (
            "Glass or silicone cups create gentle suction over tight muscles; the round "
            "marks usually fade within a few days to a week."
        ),
        "duration_minutes": 30,
        "price": "55.00",
        "body": [
            (
                "paragraph",
                (
                    "In cupping, we create suction inside glass or silicone cups placed "
                    "on the skin, usually on the back, shoulders or thighs. The cups may "
                    "stay still for a few minutes or glide over oiled skin. Most people "
                    "describe a strong, pulling sensation, like a deep stretch. Cupping "
                    "can be booked on its own or added to an acupuncture visit."
                ),
            ),
            ("heading", "Marks and cautions"),
            (
                "paragraph",
                (
                    "Cupping usually leaves round pink to purple marks where small "
                    "vessels near the surface have released a little blood into the "
                    "skin. They are not painful for most people and usually fade within "
                    "a few days to about a week, so plan around events where they would "
                    "show. Cupping is not suitable over broken, sunburned or inflamed "
                    "skin, varicose veins or recent injuries, or for people with "
                    "bleeding disorders or on blood thinners. In pregnancy we avoid the "
                    "abdomen and lower back."
                ),
            ),
        ],
    },
    {
        "slug": "gua-sha",
        "title": "Gua sha",
        "summary": (
            "Smooth-edged tool strokes over oiled skin to ease muscle tightness; the "
            "temporary redness usually fades within two to four days."
        ),
        "duration_minutes": 30,
        "price": "55.00",
        "body": [
            (
                "paragraph",
                (
                    "Gua sha means 'scraping' in Chinese. After applying a little oil, "
                    "we stroke the skin with a smooth-edged tool, usually over the neck, "
                    "shoulders or back, until a light redness appears. Many people find "
                    "it relieves stiffness and leaves the area feeling warm and loose."
                ),
            ),
            ("heading", "Marks and cautions"),
            (
                "paragraph",
                (
                    "Gua sha leaves reddish streaks or tiny red dots that usually fade "
                    "within two to four days. The area can feel slightly tender, like a "
                    "mild sunburn. We do not use gua sha on broken, irritated or "
                    "sunburned skin, over moles, varicose veins or recent injuries, or "
                    "for people with bleeding disorders, very low platelets or on blood "
                    "thinners. Tell us if you are pregnant so we can adapt the areas we "
                    "treat."
                ),
            ),
        ],
    },
    {
        "slug": "chinese-herbal-medicine",
        "title": "Chinese herbal medicine consultation",
        "summary": (
            "A consultation for a custom herbal formula, with checks for medications, "
            "pregnancy and dosing before anything is prescribed."
        ),
        "duration_minutes": 45,
        "price": "75.00",
        "body": [
            (
                "paragraph",
                (
                    "Chinese herbal medicine uses combinations of plant-based "
                    "ingredients, chosen for you and adjusted as you change. We usually "
                    "prescribe concentrated granules that dissolve in hot water, or "
                    "ready-made tablets. Herbs are charged separately and we give you "
                    "the cost before you decide."
                ),
            ),
            ("heading", "What to expect"),
            (
                "paragraph",
                (
                    "Bring a full list of your medications, supplements and vitamins. We "
                    "ask about your health history, check your formula for dose and "
                    "known herb-drug interactions, and give you a written list of its "
                    "ingredients to share with your physician and pharmacist. Follow-up "
                    "reviews usually happen every two to four weeks."
                ),
            ),
            ("heading", "Cautions"),
            (
                "list",
                [
                    (
                        "Tell us if you are pregnant, trying to conceive or "
                        "breastfeeding: many herbs are avoided in pregnancy"
                    ),
                    (
                        "Tell us about blood thinners, diabetes, blood pressure or "
                        "immune-suppressing medicines, and any liver or kidney disease"
                    ),
                    (
                        "Stop your formula about two weeks before planned surgery unless "
                        "your surgical team advises otherwise"
                    ),
                    (
                        "We never use herbs containing aristolochic acid, ephedra "
                        "products or ingredients from endangered species"
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "new-patient-visit",
        "title": "First visit: assessment and treatment",
        "summary": (
            "A 90-minute first appointment with a full health history, a physical "
            "assessment, a treatment plan and your first acupuncture treatment."
        ),
        "duration_minutes": 90,
        "price": "135.00",
        "body": [
            (
                "paragraph",
                (
                    "Your first visit gives us time to understand your health and your "
                    "goals. We go through your questionnaire together, check how you "
                    "move, explain what we suggest and why, and then give your first "
                    "treatment if you are happy to go ahead."
                ),
            ),
            ("heading", "Please bring"),
            (
                "list",
                [
                    "A list of your medications, supplements and vitamins",
                    "Recent scan reports or letters from your physician or physical therapist",
                    "Loose clothing that rolls up above the knees and elbows",
                    "Your questions, written down",
                ],
            ),
            (
                "paragraph",
                (
                    "Every later visit is booked as one of our 60-minute treatment "
                    "services. Please give us 24 hours' notice if you need to cancel or "
                    "reschedule."
                ),
            ),
        ],
    },
]

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "back-pain-relief-with-acupuncture",
        "title": "How to get back pain relief with acupuncture",
        "lead": (
            "Acupuncture helps many people with chronic low back pain, though not "
            "everyone. Here is what a first visit looks like, what the research shows, "
            "how many sessions to expect and when to see a doctor first."
        ),
        "date": "2026-03-10",
        "category": "pain-relief",
        "tags": ["acupuncture", "back-pain", "evidence", "self-care"],
        "related_services": ["acupuncture-back-pain", "new-patient-visit", "massage"],
        "image_alt": (
            "Drawing of a person lying face down on a treatment table with four fine "
            "needles in the lower back"
        ),
        "body": [
            (
                "paragraph",
                (
                    "Low back pain is one of the most common reasons people come to our "
                    "clinic. Some have had it for a few weeks; others have lived with it "
                    "for years and have tried physical therapy, medication and a phone "
                    "full of stretching apps. If you are wondering whether acupuncture "
                    "is worth trying, this guide explains how we approach back pain, "
                    "what the research does and does not show, and how to get the most "
                    "from a course of treatment."
                ),
            ),
            ("image", ""),
            ("heading", "What happens at your first visit"),
            (
                "paragraph",
                (
                    "Your first appointment lasts about 90 minutes. We start by "
                    "listening: where the pain is, when it began, what eases or "
                    "aggravates it, how it affects your sleep, work and exercise, and "
                    "what you have already tried. We ask about your general health and "
                    "medications and check for warning signs that need a physician "
                    "first. A short physical assessment follows."
                ),
            ),
            (
                "paragraph",
                (
                    "Then comes treatment. You lie on a padded table while we place "
                    "fine, sterile, single-use needles, usually in the lower back, hips "
                    "and backs of the legs, and often near the ankles. Most people feel "
                    "a brief pinch and then a dull ache or warmth, and many doze during "
                    "the 20 to 30 minutes the needles stay in. We finish by agreeing on "
                    "a plan and a simple way to measure progress, such as a back-pain "
                    "questionnaire or an activity you want to get back to."
                ),
            ),
            ("heading", "What the evidence says"),
            (
                "paragraph",
                (
                    "Acupuncture for back pain has been tested in some large trials. In "
                    "a study of 638 adults with chronic low back pain, about 60% of "
                    "those who received real or simulated acupuncture had a clinically "
                    "meaningful improvement in day-to-day function at eight weeks, "
                    "compared with 39% of those receiving usual care (Cherkin et al., "
                    "Arch Intern Med 2009). The standardized treatment in that trial "
                    "used points called BL23 on the lower back, BL40 behind the knee and "
                    "KI3 near the inner ankle on both sides, plus GV3 on the midline of "
                    "the lower back and tender 'ashi' points."
                ),
            ),
            (
                "paragraph",
                (
                    "The German GERAC trial saw a similar pattern at six months: 47.6% "
                    "of patients responded to acupuncture, 44.2% to sham acupuncture and "
                    "27.4% to conventional therapy (Haake et al., Arch Intern Med 2007). "
                    "A meta-analysis of individual data from 17,922 patients in 29 "
                    "trials found acupuncture did better than both sham and no "
                    "acupuncture for back and neck pain, though the gap between real and "
                    "sham needling was modest (Vickers et al., Arch Intern Med 2012)."
                ),
            ),
            (
                "paragraph",
                (
                    "So acupuncture helps many people, but not everyone, and some of the "
                    "benefit may come from the care and rest that surround the needles. "
                    "Guidelines differ: the American College of Physicians lists "
                    "acupuncture among first-line non-drug options for chronic low back "
                    "pain (ACP, 2017), while the UK's NICE guideline does not recommend "
                    "it (NICE NG59, 2016). You may read that a first treatment often "
                    "cuts back pain by half or more. We do not promise a figure; we "
                    "measure our own patients' results and share them with you honestly."
                ),
            ),
            ("heading", "How many sessions?"),
            (
                "paragraph",
                (
                    "For chronic back pain we usually suggest a trial of six to eight "
                    "sessions over about six weeks, similar to the courses in the trials "
                    "above. We review your progress at the fourth or fifth visit. If you "
                    "are clearly better, we space sessions out; if nothing has changed, "
                    "we will say so and help you consider other options rather than "
                    "booking you in indefinitely."
                ),
            ),
            ("heading", "What about my X-ray or MRI?"),
            (
                "paragraph",
                (
                    "Many people arrive with a scan report that says 'nothing wrong', or "
                    "one that mentions arthritis, degeneration or a bulging or "
                    "protruding disc. These words can sound alarming, but scan findings "
                    "often do not match pain. Disc bulges and wear-and-tear changes are "
                    "common in people with no back pain at all, and become more common "
                    "with age (Brinjikji et al., AJNR 2015). A normal scan does not mean "
                    "your pain is imaginary, and an abnormal one does not mean you "
                    "cannot improve. We read your report, follow any advice from your "
                    "physician or specialist, and work alongside them."
                ),
            ),
            ("heading", "Red flags: see a doctor first"),
            (
                "paragraph",
                (
                    "Acupuncture is not the right first step if your back pain comes "
                    "with any of the following. Contact your physician, or go to an "
                    "emergency department right away for the first three:"
                ),
            ),
            (
                "list",
                [
                    "New difficulty controlling your bladder or bowels",
                    "Numbness in the saddle area: the groin, buttocks or inner thighs",
                    "Leg weakness that is getting worse",
                    "Fever or feeling generally unwell",
                    "Unexplained weight loss or a history of cancer",
                    "A significant fall, accident or other injury",
                    "Night pain that does not ease with rest or a change of position",
                ],
            ),
            ("heading", "Self-care between visits"),
            (
                "paragraph",
                (
                    "What you do between sessions matters as much as what happens on the "
                    "table. Keep moving within comfortable limits: short, frequent walks "
                    "usually help more than bed rest. Keep up any exercises your "
                    "physical therapist gave you, or try gentle yoga or tai chi. Heat "
                    "can ease muscle spasm. Tell us at your next visit what helped and "
                    "what did not; small steps, repeated, tend to add up."
                ),
            ),
        ],
    },
    {
        "slug": "cupping-and-gua-sha-marks",
        "title": "Cupping and gua sha: what the marks mean and who should skip them",
        "lead": (
            "Cupping and gua sha can leave round or streaky marks on the skin. Here is "
            "what the marks are, how long they usually last, and when these treatments "
            "are not a good idea."
        ),
        "date": "2026-05-12",
        "category": "bodywork",
        "tags": ["cupping", "gua-sha", "bodywork", "safety"],
        "related_services": ["cupping", "gua-sha", "massage"],
        "image_alt": "Abstract pattern of soft green and amber circles",
        "body": [
            (
                "paragraph",
                (
                    "If you have ever seen a swimmer or a basketball player with neat "
                    "purple circles across their shoulders, you have seen the "
                    "after-effects of cupping. Cupping and gua sha are traditional East "
                    "Asian techniques that many of our patients enjoy for tight, tired "
                    "muscles. They are simple and, used carefully, low in risk, but the "
                    "marks can surprise people, so it helps to know what to expect."
                ),
            ),
            ("image", ""),
            ("heading", "What happens during treatment"),
            (
                "paragraph",
                (
                    "In cupping, we place glass or silicone cups on the skin and create "
                    "suction, either with a small hand pump or by briefly warming the "
                    "air inside a glass cup with a flame that never touches you. The "
                    "cups may rest in place for five to ten minutes or glide over oiled "
                    "skin. Most people describe a strong pulling sensation, like a deep "
                    "stretch. In gua sha, we apply a little oil and stroke the skin with "
                    "a smooth-edged tool until a light redness appears. Both take 10 to "
                    "30 minutes and can be combined with acupuncture or massage."
                ),
            ),
            ("heading", "What the marks are"),
            (
                "paragraph",
                (
                    "The marks are not bruises from a blow. Suction and scraping draw a "
                    "little blood out of tiny capillaries into the skin, producing "
                    "redness or small pinpoint spots called petechiae. Cupping marks are "
                    "round and range from pink to deep purple; gua sha leaves reddish "
                    "streaks. Traditional theory reads meaning into their color, but "
                    "there is no good evidence that dark marks reveal 'toxins', and we "
                    "do not make that claim. Color mostly reflects the pressure used, "
                    "how long the cups stay on, and your own skin."
                ),
            ),
            (
                "paragraph",
                (
                    "Cupping marks usually fade within a few days to about a week. Gua "
                    "sha redness usually settles within two to four days. The area may "
                    "feel a little tender, but it is rarely painful. If you have a "
                    "wedding, a swim meet or a photo shoot coming up, tell us: we can "
                    "use lighter pressure, choose another area or suggest a different "
                    "treatment."
                ),
            ),
            ("heading", "Does it work?"),
            (
                "paragraph",
                (
                    "Research on cupping and gua sha is smaller and weaker than research "
                    "on acupuncture. Some small trials suggest short-term relief of neck "
                    "and back pain, but they are often unblinded and hard to compare. We "
                    "offer these techniques because many patients find them relieving "
                    "and they carry little risk when used with care, not because they "
                    "are proven to fix anything. If they are not helping you, we will "
                    "suggest stopping."
                ),
            ),
            ("heading", "Who should avoid cupping and gua sha"),
            (
                "paragraph",
                (
                    "These treatments are not for everyone. Please tell us before "
                    "treatment if any of the following apply to you:"
                ),
            ),
            (
                "list",
                [
                    "You have a bleeding or clotting disorder, or a low platelet count",
                    "You take a blood thinner such as warfarin, apixaban or clopidogrel",
                    "The area has broken skin, sunburn, a rash, an infection or a recent injury",
                    "You have varicose veins, a history of blood clots or recent surgery nearby",
                    "You are pregnant: we avoid the abdomen and lower back and keep pressure light",
                    "You have thin, fragile skin, for example from long-term steroid use",
                    "You have a fever or feel unwell on the day",
                ],
            ),
            ("heading", "Aftercare"),
            (
                "paragraph",
                (
                    "After treatment, drink some water, keep the area covered and warm "
                    "for the rest of the day, and skip the hot tub or an intense workout "
                    "that evening. If a mark becomes very painful, blisters or looks "
                    "infected, call us. With a little care, most people find the marks "
                    "are the least memorable part of the experience."
                ),
            ),
        ],
    },
    {
        "slug": "chinese-herbal-medicine-safety",
        "title": "Is Chinese herbal medicine safe? How we check every formula",
        "lead": (
            "Herbs are natural, but natural does not mean harmless. Here is how we "
            "choose, dose and check custom formulas, and what to tell us and your "
            "physician."
        ),
        "date": "2026-07-14",
        "category": "herbal-medicine",
        "tags": ["herbs", "safety", "medications", "pregnancy"],
        "related_services": ["chinese-herbal-medicine"],
        "image_alt": "Abstract pattern of soft green and amber circles",
        "body": [
            (
                "paragraph",
                (
                    "Chinese herbal medicine has a long history, and many people find a "
                    "well-chosen formula a helpful companion to acupuncture. But herbs "
                    "are biologically active. That is why they can help, and it is also "
                    "why they deserve the same care as any other medicine. Here is how "
                    "we approach herbal safety at our clinic."
                ),
            ),
            ("image", ""),
            ("heading", "Custom formulas, not one size fits all"),
            (
                "paragraph",
                (
                    "Most Chinese herbal prescriptions combine several herbs, each with "
                    "a role in the formula. At your consultation we ask about your "
                    "symptoms, health history, digestion, sleep and medications, then "
                    "write a formula for you. We usually prescribe concentrated granules "
                    "that you stir into hot water, or ready-made tablets. We start with "
                    "a short course, often two weeks, and review how you are doing "
                    "before continuing."
                ),
            ),
            ("heading", "Medications: tell us, and tell your physician"),
            (
                "paragraph",
                (
                    "Herbs and prescription drugs can interact. Some herbs, such as dan "
                    "shen and dang gui, have been reported to strengthen the effect of "
                    "the blood thinner warfarin. Licorice root, a common ingredient, can "
                    "raise blood pressure and lower potassium when taken in large "
                    "amounts for a long time. Please bring a full list of your "
                    "medications, supplements and vitamins, and tell us whenever "
                    "something changes. We give you a written list of everything in your "
                    "formula to share with your physician and pharmacist, and with your "
                    "permission we are glad to speak with your doctor directly."
                ),
            ),
            ("paragraph", "Be sure to tell us if you:"),
            (
                "list",
                [
                    "Are pregnant, trying to conceive or breastfeeding",
                    (
                        "Take blood thinners, diabetes or blood pressure medicines, "
                        "immunosuppressants, or medicines for seizures or mental health"
                    ),
                    "Have liver or kidney disease, or have had abnormal blood tests",
                    "Have surgery or a medical procedure planned",
                    "Buy herbs or supplements from other sources",
                ],
            ),
            ("heading", "Pregnancy and surgery"),
            (
                "paragraph",
                (
                    "Many herbs are traditionally avoided in pregnancy, and for most "
                    "there is little modern safety data. If you are pregnant or trying "
                    "to conceive, we prescribe only when we judge the benefit to be "
                    "clear, choose from a short list of herbs, and coordinate with your "
                    "midwife or obstetrician. Before planned surgery, we usually ask you "
                    "to stop your formula about two weeks ahead unless your surgical "
                    "team advises otherwise, because some herbs can affect bleeding or "
                    "anesthesia."
                ),
            ),
            ("heading", "Why we check doses and sources"),
            (
                "paragraph",
                (
                    "Dose matters. We check each formula against standard reference "
                    "ranges and against your age, size and health, and we run an "
                    "interaction check as a second pair of eyes. We buy only from "
                    "suppliers who test each batch for correct plant identity, heavy "
                    "metals, pesticides and microbial contamination, and who follow good "
                    "manufacturing practice. We do not use endangered species or "
                    "products from protected wildlife."
                ),
            ),
            ("heading", "Why some herbs are banned"),
            (
                "paragraph",
                (
                    "Some traditional herbs have caused serious harm. In the early "
                    "1990s, young women in Belgium who took a slimming preparation "
                    "developed rapidly worsening kidney damage (Vanherweghem et al., "
                    "Lancet 1993). The cause was traced to aristolochic acid from an "
                    "Aristolochia plant that had been substituted for a similarly named "
                    "herb. Aristolochic acid is now classed as a cause of cancer in "
                    "humans (IARC Monographs vol. 100A, 2012), and the US Food and Drug "
                    "Administration has warned consumers against products that contain "
                    "it. Herbs such as guang fang ji and guan mu tong have no place in "
                    "our pharmacy. Likewise, dietary supplements containing ephedra (ma "
                    "huang) alkaloids have been banned in the US since 2004 because of "
                    "heart and stroke risks (FDA, 2004)."
                ),
            ),
            (
                "paragraph",
                (
                    "If you notice anything unusual while taking herbs, such as a rash, "
                    "stomach upset, yellowing of the skin or eyes, dark urine or unusual "
                    "tiredness, stop the formula and call us; for anything severe, seek "
                    "medical care right away. Good herbal medicine is careful medicine, "
                    "and we would always rather take an extra day to check than guess."
                ),
            ),
        ],
    },
    {
        "slug": "desk-work-neck-shoulder-tension",
        "title": "Desk-work neck and shoulder tension: what helps",
        "lead": (
            "Long hours at a screen can leave your neck and shoulders stiff and sore. "
            "Here is how acupuncture, massage and small daily habits can help, and when "
            "to get checked by a doctor."
        ),
        "date": "2026-09-08",
        "category": "pain-relief",
        "tags": ["neck", "shoulders", "desk-work", "self-care"],
        "related_services": ["acupuncture-muscle-aches", "massage", "cupping"],
        "image_alt": "Abstract pattern of soft green and amber circles",
        "body": [
            (
                "paragraph",
                (
                    "By Thursday afternoon, many of our patients who work at desks "
                    "describe the same thing: a band of tightness across the tops of the "
                    "shoulders, a neck that will not turn fully, and sometimes a "
                    "headache creeping up the back of the head. It is rarely serious, "
                    "but it can drain your energy and your focus. The good news is that "
                    "there is plenty you can do about it."
                ),
            ),
            ("image", ""),
            ("heading", "Why desk work makes muscles ache"),
            (
                "paragraph",
                (
                    "Muscles like movement and variety. When you hold one position for "
                    "hours, with your head drifting towards the screen and your "
                    "shoulders creeping towards your ears, the same muscles work without "
                    "a break. Stress adds to it: many of us brace our shoulders or "
                    "clench our jaws without noticing. There is no single perfect "
                    "posture. Your best posture is usually your next one, so changing "
                    "position often matters more than sitting perfectly still."
                ),
            ),
            ("heading", "How we treat it"),
            (
                "paragraph",
                (
                    "At the clinic we usually combine acupuncture with hands-on work. We "
                    "place fine needles in tight, tender areas of the neck, shoulders "
                    "and upper back, and often at points on the hands and forearms. Tui "
                    "na massage, cupping or gua sha can help the muscles let go further. "
                    "A meta-analysis pooling data from thousands of patients found "
                    "acupuncture helped neck pain more than sham or no acupuncture, "
                    "though the difference from sham was modest (Vickers et al., Arch "
                    "Intern Med 2012). Many people move more easily within a few "
                    "sessions; some need longer, and a few do not respond. We review "
                    "progress after four or five visits and adjust, or stop, if "
                    "treatment is not helping."
                ),
            ),
            (
                "paragraph",
                (
                    "Over the upper back and shoulders, where the lungs lie close "
                    "beneath the ribs, we needle shallowly and at an angle. Serious "
                    "complications are rare, and this care is one reason to choose a "
                    "licensed, fully trained practitioner."
                ),
            ),
            ("heading", "Small habits that help"),
            ("paragraph", "Between visits, these habits tend to make the biggest difference:"),
            (
                "list",
                [
                    (
                        "Raise your screen so its top is about at eye level, and keep "
                        "the keyboard close enough that your elbows rest by your sides"
                    ),
                    (
                        "Set a timer to stand, walk or stretch for a minute or two every "
                        "30 to 45 minutes"
                    ),
                    (
                        "A few times an hour, roll your shoulders back and down and "
                        "gently tuck your chin"
                    ),
                    (
                        "Alternate sitting and standing if you have an adjustable desk, "
                        "without standing still all day either"
                    ),
                    "Take phone calls on your feet, or on a walk",
                    (
                        "Use warmth, such as a hot shower or heat pack, on tight "
                        "shoulders in the evening"
                    ),
                    "Notice when you clench your jaw or hold your breath, and let go",
                ],
            ),
            ("heading", "When to see a doctor"),
            (
                "paragraph",
                (
                    "Most desk-related neck and shoulder pain settles with time, "
                    "movement and simple care. Please see your physician before booking "
                    "with us if your neck pain follows an accident or fall, or comes "
                    "with numbness, tingling or weakness in your arms or hands, trouble "
                    "with balance or walking, a sudden severe headache unlike any "
                    "before, fever or unexplained weight loss. If you have been told you "
                    "have a condition affecting the bones or joints of your neck, let us "
                    "know so we can adapt treatment."
                ),
            ),
            (
                "paragraph",
                (
                    "Sore shoulders are a common price of modern work, but they do not "
                    "have to be a permanent one. If you would like help, book a visit "
                    "and bring a photo of your workstation: along with treatment, we are "
                    "happy to offer a few practical suggestions."
                ),
            ),
        ],
    },
    {
        "slug": "preparing-for-your-first-visit",
        "title": "Preparing for your first acupuncture visit",
        "lead": (
            "New to acupuncture? Here is what to wear, what to bring, what the needles "
            "feel like and what happens afterwards, so you can arrive relaxed and ready."
        ),
        "date": "2026-10-13",
        "category": "your-visit",
        "tags": ["first-visit", "acupuncture", "questions"],
        "related_services": [
            "new-patient-visit",
            "acupuncture-back-pain",
            "acupuncture-muscle-aches",
        ],
        "image_alt": "Abstract pattern of soft green and amber circles",
        "body": [
            (
                "paragraph",
                (
                    "Trying something new for your health can feel a little "
                    "nerve-racking, especially when it involves needles. Most first-time "
                    "patients tell us afterwards that it was much gentler than they "
                    "expected. Here is what to know before you arrive."
                ),
            ),
            ("image", ""),
            ("heading", "Before you arrive"),
            (
                "paragraph",
                (
                    "When you book online, we send you a short health questionnaire. "
                    "Filling it in at home saves time and gives you space to think about "
                    "your answers. Eat a light meal an hour or two before your "
                    "appointment, since treatment on an empty stomach can leave some "
                    "people lightheaded. Avoid alcohol beforehand, and try not to plan a "
                    "hard workout straight afterwards."
                ),
            ),
            ("paragraph", "Please bring:"),
            (
                "list",
                [
                    "A list of your medications, supplements and vitamins, with doses",
                    (
                        "Any recent scan reports, test results or letters from your "
                        "physician or physical therapist"
                    ),
                    "Loose, comfortable clothing that rolls up above the knees and elbows",
                    "Your insurance card if you would like a receipt to claim reimbursement",
                    "Your questions, written down so you do not forget them",
                ],
            ),
            ("heading", "What happens during the visit"),
            (
                "paragraph",
                (
                    "Your first appointment lasts about 90 minutes. Lena will go through "
                    "your questionnaire with you, ask about your main concern and your "
                    "general health, and may feel your pulse, look at your tongue and "
                    "check how you move. She will then explain what she suggests and "
                    "why, and you can ask anything before you decide."
                ),
            ),
            (
                "quote",
                (
                    "Nothing happens without your agreement. You can ask questions, "
                    "pause or stop at any point."
                ),
            ),
            (
                "paragraph",
                (
                    "Acupuncture needles are very fine, much thinner than the needles "
                    "used for injections or blood tests. You may feel a brief pinch as "
                    "each one goes in, then a dull ache, tingling, warmth or heaviness. "
                    "These sensations are normal. Sharp or increasing pain is not, so "
                    "tell us and we will adjust the needle. Needles usually stay in for "
                    "20 to 30 minutes while you rest, with a blanket and a call button "
                    "within reach. Every needle is sterile, used once and safely "
                    "discarded."
                ),
            ),
            ("heading", "After your treatment"),
            (
                "paragraph",
                (
                    "Many people feel relaxed or a little sleepy afterwards, so take a "
                    "few minutes before you drive. A small bruise or some tenderness "
                    "where a needle was can happen and fades within days. Occasionally "
                    "symptoms flare briefly before they improve. If anything worries "
                    "you, call the clinic. Before you leave, we agree on a plan "
                    "together: how many sessions to try, how we will measure progress, "
                    "and when we will review it."
                ),
            ),
            ("heading", "Common questions"),
            (
                "paragraph",
                (
                    "Do I have to believe in it? No. We ask only that you give treatment "
                    "a fair trial and tell us honestly how you feel. Will it hurt? Most "
                    "people find it comfortable. Can I keep seeing my doctor? Yes, "
                    "please do. We work alongside your physician, never instead of them, "
                    "and we will never ask you to stop a prescribed medicine."
                ),
            ),
            (
                "paragraph",
                (
                    "What if I am scared of needles? Tell us; you are far from alone. We "
                    "can start with just a few needles in places you can see, such as "
                    "the hands or lower legs, or begin with massage or cupping and try "
                    "acupuncture another day. How soon will I notice a change? It "
                    "varies. Some people feel different after one or two sessions, "
                    "others after several, and some not at all, which is why we review "
                    "progress together rather than promising a result."
                ),
            ),
            (
                "paragraph",
                (
                    "Still have a question? Call us at (303) 555-0142 or email "
                    "hello@example.com, and we will be glad to help."
                ),
            ),
        ],
    },
]
