import pytest
from django.core.exceptions import ValidationError

from acuclinic.clinic.models import ClinicSettings, validate_time_zone
from acuclinic.settings import mailer_from_url


def test_email_url_to_mailer() -> None:
    smtp = mailer_from_url("smtp://clinic%40example.com:s3cret@mail.example.com:587?tls=1")
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 587,
        "username": "clinic@example.com",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }
    assert mailer_from_url("smtps://mail.example.com")["OPTIONS"]["port"] == 465
    assert mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError, match="unknown scheme"):
        mailer_from_url("carrier-pigeon://coop")


def test_time_zone_must_be_iana() -> None:
    validate_time_zone("America/Denver")
    validate_time_zone("Asia/Kathmandu")
    with pytest.raises(ValidationError):
        validate_time_zone("Mountain Time")


@pytest.mark.django_db
def test_clinic_settings_validate_phone_and_zone() -> None:
    clinic = ClinicSettings.objects.get()
    clinic.phone_e164 = "303-555-0142"
    clinic.time_zone = "Denver"
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()
    assert set(error.value.message_dict) >= {"phone_e164", "time_zone"}
    assert clinic.address_lines == ["1185 Garrison Street, Suite 204", "Lakewood, CO 80215"]
