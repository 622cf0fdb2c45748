"""Patients sign in with a code e-mailed to them (through a real SMTP server); staff cannot."""

import re
import time
from typing import Any

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.auth import ClinicAccountAdapter, patient_home_url
from acuclinic.clinic.roles import Role, role_of
from acuclinic.clinic.signin import TOO_MANY_CODE_TRIES
from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients.models import Patient

REQUEST = "/accounts/login/code/"
CONFIRM = "/accounts/login/code/confirm/"
CODE = re.compile(r"\b([A-Z]{4}-[A-Z]{4})\b")


@pytest.fixture(autouse=True)
def _no_padding(settings: Any) -> None:
    settings.LOGIN_CODE_MIN_SECONDS = 0  # one test below checks the padding itself


def body(message: Any) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else message
    return part.get_payload(decode=True).decode()


def code_in(mailbox: Any, address: str) -> str:
    found = CODE.search(body(mailbox.to(address)[-1]))
    assert found, "no code in the e-mail"
    return found.group(1)


def ask_for_code(client: Client, address: str) -> Any:
    return client.post(REQUEST, {"email": address})


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_a_patient_signs_in_with_the_code_from_the_email(
    personas: Personas, smtp_server: Any
) -> None:
    client = Client()
    response = ask_for_code(client, "juniper@example.org")  # the address on her record
    assert response.status_code == 302 and response.url == CONFIRM
    assert "If juniper@example.org is the address" in client.get(CONFIRM).text

    [message] = smtp_server.to("juniper@example.org")
    assert "sign-in code" in message["Subject"].lower()
    code = code_in(smtp_server, "juniper@example.org")

    response = client.post(CONFIRM, {"code": code.lower().replace("-", "")})  # as typed on a phone
    assert response.status_code == 302
    assert response.url == patient_home_url()
    assert signed_in_user_id(client) == personas.patient_a.pk


def test_the_accounts_own_address_works_too(personas: Personas, smtp_server: Any) -> None:
    client = Client()
    ask_for_code(client, personas.patient_b.email)
    client.post(CONFIRM, {"code": code_in(smtp_server, personas.patient_b.email)})
    assert signed_in_user_id(client) == personas.patient_b.pk


def test_a_patient_record_gets_its_account_at_the_first_request(db: None, smtp_server: Any) -> None:
    record = Patient.objects.create(full_name="Rosalind Achterberg", email="Ros@Example.net")
    client = Client()
    ask_for_code(client, "ros@example.net")

    record.refresh_from_db()
    account = record.user
    assert account is not None and account.username == f"patient-{record.pk}"
    assert not account.has_usable_password()  # codes only
    assert role_of(account) == Role.PATIENT
    created = AuditEntry.objects.get(action=Action.UPDATE, patient_id=record.pk)
    assert created.detail == {"fields": ["user"], "reason": "portal_account_created"}
    assert created.ip_address == "127.0.0.1"

    client.post(CONFIRM, {"code": code_in(smtp_server, "ros@example.net")})
    assert signed_in_user_id(client) == account.pk

    # Asking again later finds the same account instead of making another.
    ask_for_code(Client(), "ros@example.net")
    assert get_user_model().objects.filter(email__iexact="ros@example.net").count() == 1


def test_unknown_shared_and_staff_addresses_get_the_same_answer(
    personas: Personas, smtp_server: Any
) -> None:
    Patient.objects.create(full_name="Parent Example", email="family@example.net")
    Patient.objects.create(full_name="Child Example", email="family@example.net")
    known = ask_for_code(Client(), "juniper@example.org")
    answers = {
        address: ask_for_code(Client(), address)
        for address in ("nobody@example.net", "family@example.net", personas.owner.email)
    }
    for response in answers.values():
        assert (response.status_code, response.url) == (known.status_code, known.url)

    # One e-mail each, and a code only in the patient's.
    assert CODE.search(body(smtp_server.to("juniper@example.org")[0]))
    for address in answers:
        [message] = smtp_server.to(address)
        assert not CODE.search(body(message)), address
    assert "no code was sent" in body(smtp_server.to("nobody@example.net")[0])
    staff_mail = body(smtp_server.to(personas.owner.email)[0])
    assert "staff do not sign in with e-mailed codes" in staff_mail
    # A shared address makes no account: the desk links the right record.
    assert not Patient.objects.filter(email="family@example.net", user__isnull=False).exists()


def test_the_answer_takes_the_same_time_either_way(
    personas: Personas, smtp_server: Any, settings: Any
) -> None:
    settings.LOGIN_CODE_MIN_SECONDS = 0.4
    for address in ("juniper@example.org", "nobody@example.net"):
        started = time.monotonic()
        ask_for_code(Client(), address)
        assert 0.4 <= time.monotonic() - started < 1.5, address


def test_staff_cannot_sign_in_with_a_code_alone(personas: Personas) -> None:
    # Should a code ever reach a staff account, the sign-in is still refused.
    for name in ("owner", "practitioner", "front_desk"):
        request = RequestFactory().post(CONFIRM)
        request.session = Client().session
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        user = personas.user(name)
        with context.request_context(request):
            record_authentication(request, user, method="code", email=user.email)
            response = ClinicAccountAdapter().pre_login(
                request,
                user,
                email_verification="none",
                redirect_url=None,
                signal_kwargs=None,
                signup=False,
                email=user.email,
            )
        assert response is not None and response.url == "/accounts/login/", name


def test_a_wrong_code_fails_and_three_void_it(personas: Personas, smtp_server: Any) -> None:
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")

    response = client.post(CONFIRM, {"code": "BBBB-CCCC"})
    assert response.status_code == 200
    assert "Incorrect code." in response.text
    assert 'aria-invalid="true"' in response.text and 'id="id_code_error"' in response.text
    client.post(CONFIRM, {"code": "BBBB-DDDD"})
    response = client.post(CONFIRM, {"code": "BBBB-FFFF"})  # the third: the code is void
    assert response.status_code == 302 and response.url == REQUEST
    assert client.post(CONFIRM, {"code": code}).status_code == 302
    assert signed_in_user_id(client) is None
    rejected = AuditEntry.objects.filter(action=Action.SIGN_IN, detail__reason="wrong_code")
    assert rejected.count() == 3
    assert {e.record_id for e in rejected} == {str(personas.patient_a.pk)}


def test_an_expired_code_fails(personas: Personas, smtp_server: Any, settings: Any) -> None:
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 0  # as if its ten minutes were over
    time.sleep(0.01)
    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response.url == REQUEST
    assert signed_in_user_id(client) is None


def test_a_used_code_does_not_work_again(personas: Personas, smtp_server: Any) -> None:
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")
    client.post(CONFIRM, {"code": code})
    assert signed_in_user_id(client) == personas.patient_a.pk
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None

    response = client.post(CONFIRM, {"code": code})
    assert response.status_code == 302 and response.url == REQUEST
    assert signed_in_user_id(client) is None


def test_code_requests_are_rate_limited_per_address_and_per_ip(
    personas: Personas, smtp_server: Any
) -> None:
    for _ in range(3):  # 3 a minute for one address
        assert ask_for_code(Client(), "juniper@example.org").status_code == 302
    response = ask_for_code(Client(), "juniper@example.org")
    assert response.status_code == 200
    assert "Too many attempts. For your security" in response.text
    assert len(smtp_server.to("juniper@example.org")) == 3

    for n in range(20 - 4):  # 20 a minute from one address, whatever the e-mail
        assert ask_for_code(Client(), f"someone{n}@example.net").status_code == 302
    assert ask_for_code(Client(), "another@example.net").status_code == 200


def test_code_attempts_are_rate_limited_across_codes(
    personas: Personas, smtp_server: Any, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_login_code": "20/m/ip,2/h/key",
    }
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")
    for _ in range(2):
        assert "Incorrect code." in client.post(CONFIRM, {"code": "BBBB-CCCC"}).text
    # Even a new code for the same address: no more tries this hour.
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")
    response = client.post(CONFIRM, {"code": code})
    assert str(TOO_MANY_CODE_TRIES) in response.text
    assert signed_in_user_id(client) is None


def test_sign_in_and_sign_out_are_audited_without_the_code(
    personas: Personas, smtp_server: Any
) -> None:
    client = Client()
    ask_for_code(client, "juniper@example.org")
    code = code_in(smtp_server, "juniper@example.org")
    client.post(CONFIRM, {"code": code})
    client.post("/accounts/logout/")

    entries = AuditEntry.objects.filter(actor=personas.patient_a).order_by("at", "pk")
    assert [(e.action, e.detail, e.role) for e in entries] == [
        (Action.SIGN_IN, {"reason": "code"}, Role.PATIENT),
        (Action.SIGN_OUT, {"reason": "signed_out"}, Role.PATIENT),
    ]
    assert all(e.record_type == "auth.user" and e.ip_address == "127.0.0.1" for e in entries)
    everything = " ".join(str(e.detail) for e in AuditEntry.objects.all())
    assert code not in everything and code.replace("-", "") not in everything


def test_staff_sign_in_with_password_lands_on_the_desk(personas: Personas) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": personas.front_desk.username, "password": "persona-pass-1"}
    )
    assert response.status_code == 302 and response.url == "/desk/"
    entry = AuditEntry.objects.get(action=Action.SIGN_IN, actor=personas.front_desk)
    assert entry.detail == {"reason": "password"} and entry.role == Role.FRONT_DESK


def test_a_wrong_password_is_audited_without_what_was_typed(personas: Personas) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": personas.owner.username, "password": "hunter2-wrong"}
    )
    assert response.status_code == 200
    assert 'class="form-errors" role="alert"' in response.text  # the error, next to the form
    entry = AuditEntry.objects.get(action=Action.SIGN_IN, detail__reason="wrong_password")
    assert entry.record_id == str(personas.owner.pk) and entry.actor is None
    assert "hunter2" not in str(entry.detail) and entry.actor_username == ""

    client.post("/accounts/login/", {"login": "typo-in-the-name", "password": "x"})
    unknown = AuditEntry.objects.filter(detail__reason="wrong_password").latest("pk")
    assert unknown.record_id == ""


def test_failed_passwords_are_rate_limited_per_account(personas: Personas) -> None:
    client = Client()
    login = {"login": personas.practitioner.username}
    for _ in range(5):
        client.post("/accounts/login/", {**login, "password": "wrong-password"})
    response = client.post("/accounts/login/", {**login, "password": "persona-pass-1"})
    assert response.status_code == 200  # even the right password waits now
    assert "Too many attempts. For your security" in response.text
    assert signed_in_user_id(client) is None


def test_sign_in_attempts_are_rate_limited_per_ip(personas: Personas, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        Client().post("/accounts/login/", {"login": "x", "password": "y"})
    response = Client().post("/accounts/login/", {"login": "x", "password": "y"})
    assert response.status_code == 429
    # The clinic's own page (templates/429.html), not allauth's bare fallback.
    assert "<h1>Too many attempts</h1>" in response.text
    assert 'class="site-header"' in response.text


def test_the_sign_in_page_offers_both_ways(db: None) -> None:
    page = Client().get("/accounts/login/").text
    assert 'href="/accounts/login/code/"' in page
    assert '<label for="id_login">' in page and '<label for="id_password">' in page
    assert "sign up" not in page.lower()
    assert 'name="remember"' not in page  # shared computers: the session ends with the browser
