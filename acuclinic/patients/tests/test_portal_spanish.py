"""The patient portal in Spanish (es, patients addressed as *usted*): the overview, the intake
questionnaire and the consent page render from the compiled catalogue with no English
navigation left, and the red-flag advice (emergency and see-a-doctor) is Spanish, with the
emergency action spelt out. The same pages in English are checked too, so a catalogue that
silently stops loading fails here."""

import re

import pytest
from django.test import Client
from django.utils import translation

from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.patients.models import IntakeResponse, IntakeStatus

pytestmark = pytest.mark.django_db

PORTAL_NAV = {
    # English label -> Spanish label, in the portal's own navigation (portal/base.html)
    "Overview": "Resumen",
    "Health questionnaire": "Cuestionario de salud",
    "Consent forms": "Formularios de consentimiento",
    "Documents": "Documentos",
    "Pain diary": "Diario del dolor",
    "Contact details": "Datos de contacto",
    "My data": "Mis datos",
    "Sign out": "Cerrar sesión",
}
EMERGENCY_ACTION = "Acuda ahora a un servicio de urgencias"


def page(client: Client, url: str, language: str = "es") -> str:
    with translation.override(language):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="portal-nav".*?</nav>', html, re.S)
    assert nav, "the portal navigation is missing"
    return [
        " ".join(label.split())
        for label in re.findall(r"<(?:a|button)\b[^>]*>([^<]+)</(?:a|button)>", nav.group(0))
    ]


def assert_spanish_nav(client: Client, html: str) -> None:
    """The known labels in Spanish, and no label of the English navigation left (new items
    included: the English labels are read from the same page in English)."""
    spanish = nav_labels(html)
    english = nav_labels(page(client, "/portal/", language="en"))
    assert set(PORTAL_NAV.values()) <= set(spanish)
    assert len(spanish) == len(english)
    assert not set(spanish) & set(english), set(spanish) & set(english)


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1).strip()


def open_intake(client: Client) -> IntakeResponse:
    page(client, "/portal/intake/")
    return IntakeResponse.objects.get(status=IntakeStatus.DRAFT)


def autosave(client: Client, record: IntakeResponse, data: dict[str, str]) -> dict:  # type: ignore[type-arg]
    with translation.override("es"):
        response = client.post(
            f"/portal/intake/{record.pk}/save/", data, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 200
    return response.json()


def test_the_overview_is_spanish_with_no_english_navigation(personas: Personas) -> None:
    client = personas.client("patient_a")
    html = page(client, "/portal/")
    assert_spanish_nav(client, html)
    assert title_of(html).startswith("Resumen ·")
    assert '<html lang="es">' in html
    assert "Hola, " in html and "Próximas citas" in html
    assert "No tiene citas próximas." in html
    assert "Por favor, complételo antes de su primera visita" in html
    for english in ("Upcoming appointments", "You have no upcoming appointments.", "To do"):
        assert english not in html


def test_the_same_overview_in_english_keeps_its_english_labels(personas: Personas) -> None:
    html = page(personas.client("patient_a"), "/portal/", language="en")
    assert set(PORTAL_NAV) <= set(nav_labels(html))
    assert "Resumen" not in html


def test_the_intake_page_is_spanish_labels_and_questions(personas: Personas) -> None:
    client = personas.client("patient_a")
    html = page(client, "/portal/intake/")
    assert_spanish_nav(client, html)
    assert title_of(html).startswith("Cuestionario de salud ·")
    # The questions come from the questionnaire's own Spanish texts, the page around them
    # from the catalogue.
    assert "¿Cuánto le duele en este momento?" in html
    assert "How much does it hurt right now?" not in html
    assert "Guardar y continuar más tarde" in html and "¿Todo listo para enviar?" in html
    assert "Por favor, responda con sus propias palabras." in html
    for english in ("Save and continue later", "Ready to send?", "Sections of the questionnaire"):
        assert english not in html


def test_the_consent_page_is_spanish(personas: Personas) -> None:
    client = personas.client("patient_a")
    html = page(client, "/portal/consent/")
    assert_spanish_nav(client, html)
    assert "<h1>Formularios de consentimiento</h1>" in html
    assert "Por favor, lea cada formulario completo." in html
    assert "Escriba su nombre completo" in html and "He leído y estoy de acuerdo" in html
    assert html.count("Firmar “") == 2  # one button per text to sign
    for english in ("Please read each form", "Type your full name", "I have read and agree"):
        assert english not in html


def test_emergency_advice_is_spanish_and_unambiguous(personas: Personas) -> None:
    client = personas.client("patient_a")
    record = open_intake(client)
    data = autosave(client, record, {"rf_saddle": "yes"})
    assert data["emergency"] is True
    flags = data["red_flag_html"]
    assert "Por favor, busque atención médica ahora" in flags
    assert f"{EMERGENCY_ACTION} o llame al número de emergencias de su localidad." in flags
    assert 'role="alert"' in flags
    # The advice for the answer itself says the same, in Spanish.
    [advice] = data["red_flag_advice"]
    assert EMERGENCY_ACTION in advice and "No espere a su cita de acupuntura" in advice
    for english in ("emergency department", "Please get medical help now", "Do not wait"):
        assert english not in flags and english not in advice
    # The page shows it too, in Spanish.
    html = page(client, "/portal/intake/")
    assert "Por favor, busque atención médica ahora" in html and EMERGENCY_ACTION in html
    assert "emergency department" not in html


def test_see_a_doctor_advice_is_spanish(personas: Personas) -> None:
    client = personas.client("patient_a")
    record = open_intake(client)
    data = autosave(client, record, {"rf_cancer": "yes"})
    assert data["emergency"] is False
    flags = data["red_flag_html"]
    assert "Por favor, consulte a un médico antes de su primera visita" in flags
    assert "Consulte a su médico antes de su primera visita." in flags
    assert EMERGENCY_ACTION not in flags  # not an emergency: no emergency action
    assert "Please see a doctor" not in flags
