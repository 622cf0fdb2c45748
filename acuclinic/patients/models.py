"""Patient records (issue 4 B): who the patient is and how to reach them, linked family
members, consent to treatment and the privacy notice, and uploaded documents.

Online booking creates a patient from a name, an e-mail and a phone number only
(api/flow.py, scheduling/forms.py), so everything else here is optional."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import private_storage, random_document_name

EARLIEST_BIRTH = date(1900, 1, 1)


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")
    if value < EARLIEST_BIRTH:
        raise ValidationError(_("The date of birth cannot be before 1900."), code="too_early")


class Sex(models.TextChoices):
    # As recorded clinically; gender identity belongs in the pronouns.
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    # The site's languages: the portal and e-mails speak to the patient in this one.
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class HeardFrom(models.TextChoices):
    SEARCH = "search", _("Web search")
    SOCIAL = "social", _("Social media")
    FRIEND = "friend", _("A friend or family member")
    REFERRAL = "referral", _("A doctor or other practitioner")
    ARTICLE = "article", _("An article on our website")
    PASSING = "passing", _("Walked or drove past")
    OTHER = "other", _("Other")


# The record's fields by purpose, for the edit form and the patient's export alike.
CONTACT_FIELDS = ("full_name", "email", "phone")
RECORD_FIELDS = (
    "date_of_birth",
    "sex",
    "pronouns",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postcode",
    "country",
    "emergency_name",
    "emergency_relationship",
    "emergency_phone",
    "preferred_language",
    "heard_from",
    "heard_from_other",
)


class Patient(models.Model):
    full_name = models.CharField(_("full name"), max_length=160)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The patient's own sign-in, for the portal: an account linked here has the patient role
    # (clinic/roles.py) and sees this record only.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        verbose_name=_("portal account"),
    )
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    address_line1 = models.CharField(_("address line 1"), max_length=120, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    region = models.CharField(_("state or region"), max_length=80, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    emergency_name = models.CharField(_("emergency contact"), max_length=160, blank=True)
    emergency_relationship = models.CharField(
        _("their relationship to the patient"), max_length=60, blank=True
    )
    emergency_phone = models.CharField(_("emergency contact's phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    heard_from = models.CharField(
        _("how they heard of the clinic"), max_length=10, choices=HeardFrom.choices, blank=True
    )
    heard_from_other = models.CharField(_("heard of us from (other)"), max_length=120, blank=True)
    # Set when the owner erases the record (patients/actions.py erase_patient): the row stays
    # only to hold past appointments, with every personal detail removed.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(Lower("email"), name="patient_email_lower")]
        verbose_name = _("patient")

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else ""

    @property
    def address_lines(self) -> list[str]:
        """The postal address as lines to print, empty parts left out."""
        town = " ".join(p for p in (self.city, self.region, self.postcode) if p)
        parts = (self.address_line1, self.address_line2, town, self.country)
        return [p for p in parts if p]


class Relationship(models.TextChoices):
    PARENT = "parent", _("parent")
    GUARDIAN = "guardian", _("legal guardian")
    PARTNER = "partner", _("spouse or partner")
    SIBLING = "sibling", _("sibling")
    CARER = "carer", _("carer")
    OTHER = "other", _("other family member")


class PatientLink(models.Model):
    """`related` is `patient`'s <relationship>: (child, mother, parent) reads "the mother is
    the child's parent". `may_book`: the related person may book and manage appointments for
    the patient (a parent for a child), once the portal offers it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="links")
    related = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="linked_from")
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    may_book = models.BooleanField(_("may book for them"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "related"], name="patient_link_once"),
            models.CheckConstraint(condition=~Q(patient=F("related")), name="patient_link_other"),
        ]
        verbose_name = _("linked family member")

    def __str__(self) -> str:
        return f"{self.related} is the {self.relationship} of {self.patient}"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", _("Consent to treatment")
    PRIVACY = "privacy", _("Privacy notice")


class ConsentDocument(models.Model):
    """One version of a consent text. A version is never edited once published: a change is
    a new version, which every patient is asked to sign again (patients/consent.py)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ConsentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=160)
    text = models.TextField(_("text"))
    published_on = models.DateField(_("published"))

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="consent_version_positive"),
        ]
        verbose_name = _("consent document")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class ConsentSignature(models.Model):
    """A patient's signature of one exact version: the name they typed, the box they ticked,
    when, and from which address."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="signatures")
    document = models.ForeignKey(
        ConsentDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    typed_name = models.CharField(_("typed name"), max_length=160)
    agreed = models.BooleanField(_("agreed"))
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "document"], name="consent_signed_once"),
            models.CheckConstraint(condition=Q(agreed=True), name="consent_signature_agreed"),
        ]
        verbose_name = _("consent signature")

    def __str__(self) -> str:
        return f"{self.document} signed {self.signed_at:%Y-%m-%d}"


class DocumentKind(models.TextChoices):
    IMAGING = "imaging", _("Imaging report")
    REFERRAL = "referral", _("Referral letter")
    OTHER = "other", _("Other document")


class Document(models.Model):
    """An uploaded file, kept outside the web root under a random name (patients/storage.py)
    and served only through the desk's download view (patients/documents.py)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(storage=private_storage, upload_to=random_document_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.original_name


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class IntakeResponse(models.Model):
    """A patient's answers to one version of an intake questionnaire (patients/questionnaire.py).

    Saved as the patient types (a draft keeps even invalid input, in `invalid`, so nothing is
    lost), then submitted once it validates. The red-flag screen (patients/red_flags.py) runs
    on every save; its codes and highest severity are kept here so the calendar can flag the
    appointment without reading the answers (the front desk sees the alert, not the detail).
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="intakes")
    # The visit it prepares (the booking whose confirmation sent the link), when there is one.
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intakes",
    )
    questionnaire = models.CharField(_("questionnaire"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    invalid = models.JSONField(default=dict, blank=True)  # raw input that did not validate
    red_flags = models.JSONField(default=list, blank=True)  # codes, emergencies first
    red_flag_severity = models.CharField(max_length=16, blank=True)  # red_flags.Severity or ""
    flag_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flag_reviewed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One open draft per patient and questionnaire: a second tab edits the same one.
            models.UniqueConstraint(
                fields=["patient", "questionnaire"],
                condition=Q(status="draft"),
                name="intake_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="intake_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-started_at"], name="intake_patient_recent")]
        verbose_name = _("intake")

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.version} ({self.get_status_display()})"

    @property
    def flag_open(self) -> bool:
        """A red flag nobody on the clinical team has reviewed yet."""
        return bool(self.red_flag_severity) and self.flag_reviewed_at is None
