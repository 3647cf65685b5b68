"""Supervision formats: supervisor profiles and applications, one-to-one bookings, small groups,
quarterly thematic labs, calendar feeds and reminders.

Times are stored in UTC. What a person enters as a wall-clock time (an availability window, a
group's weekly slot) is kept as the wall-clock time *and* its zone name, and expanded with
zoneinfo, so a weekly 09:00 Europe/London window stays 09:00 London across daylight saving.

The log entries that attendance creates live in practice (SupervisionSession with a `source`
such as "booking:12"); the rows here record who attended, so an entry is created exactly once.
"""

import datetime
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import validate_time_zone
from practicum.lib.translations import localized, localized_content
from practicum.practice.models import FocusArea, SessionFormat

LANGUAGE_CHOICES = sorted(((code, name) for code, name in ALL_LANGUAGES if "-" not in code))


def new_code() -> str:
    """Random code for URLs (never the sequential id)."""
    return secrets.token_urlsafe(9)


def quarter_of(moment: datetime.datetime) -> str:
    moment = moment.astimezone(datetime.UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


# --- Versioned rules (YAML in data/, loaded by `manage.py load_supervision_rules`) ----------


class RuleSetQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> "EligibilityRuleSet | None":
        on = on or timezone.localdate()
        return self.filter(effective_date__lte=on).order_by("-effective_date", "-loaded_at").first()


class EligibilityRuleSet(models.Model):
    """Who may become a supervisor: a published version never changes; a change is a new one."""

    version = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    introduction = models.TextField(blank=True)
    criteria = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    # {lang: overlay} from the sibling 1.0.<lang>.yaml (lib.translations), outside content_hash.
    translations = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date"]
        verbose_name = _("eligibility rule set")
        verbose_name_plural = _("eligibility rule sets")

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    # What pages show, in the reader's language; services and records read the fields.
    @property
    def local_title(self) -> str:
        return localized(self, "title")

    @property
    def local_introduction(self) -> str:
        return " ".join(str(localized(self, "introduction") or "").split())

    def local_texts(self) -> dict[str, str]:
        """Each criterion's text by code, in the reader's language."""
        return {
            c["code"]: " ".join(str(c["text"]).split())
            for c in localized_content(self, field="criteria")
        }


class ReflectionModel(models.Model):
    """A structured reflection model a group follows; its steps are the session agenda."""

    code = models.SlugField(max_length=64)
    version = models.CharField(max_length=16)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    steps = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    # {lang: overlay} from the sibling 1.0.<lang>.yaml (lib.translations), outside content_hash.
    translations = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_reflection_model"),
        ]
        ordering = ["name", "-version"]
        verbose_name = _("reflection model")
        verbose_name_plural = _("reflection models")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def local_name(self) -> str:
        return localized(self, "name")

    @property
    def local_description(self) -> str:
        return " ".join(str(localized(self, "description") or "").split())

    @property
    def local_steps(self) -> list[dict]:
        return localized_content(self, field="steps")


# --- Becoming a supervisor ----------------------------------------------------------------


class SupervisorApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisor_applications"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    rule_set = models.ForeignKey(EligibilityRuleSet, on_delete=models.PROTECT, related_name="+")
    years_of_practice = models.PositiveSmallIntegerField(_("years of mentoring practice"))
    experience = models.TextField(_("your mentoring experience"), max_length=3000)
    training_programme = models.CharField(_("supervision training programme"), max_length=200)
    training_provider = models.CharField(_("training provider"), max_length=200)
    training_hours = models.DecimalField(
        _("supervision training hours"), max_digits=6, decimal_places=1
    )
    training_completed_on = models.DateField(_("training completed on"))
    statement = models.TextField(_("why you want to supervise"), max_length=3000)
    # What the criteria said when the application was made, for the reviewer and the record.
    eligibility = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status="submitted"),
                name="one_open_supervisor_application",
            ),
            models.CheckConstraint(
                name="application_training_hours_positive", condition=Q(training_hours__gt=0)
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]
        ordering = ["-created_at"]
        verbose_name = _("supervisor application")
        verbose_name_plural = _("supervisor applications")

    def __str__(self) -> str:
        return f"supervisor application {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SUBMITTED


# --- Supervisor profiles ------------------------------------------------------------------


class SupervisorProfileQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(
            is_listed=True, user__is_active=True, user__role_grants__role="supervisor"
        )


class SupervisorProfile(models.Model):
    """What mentors see in the directory. The supervisor's zone is their account's time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervisor_profile"
    )
    bio = models.TextField(_("about your supervision"), max_length=2000)
    focus_area = models.CharField(_("focus area"), max_length=8, choices=FocusArea.choices)
    experience = models.TextField(_("experience"), max_length=2000)
    years_supervising = models.PositiveSmallIntegerField(_("years supervising"), default=0)
    offers_one_to_one = models.BooleanField(_("one-to-one supervision"), default=True)
    offers_group = models.BooleanField(_("group supervision"), default=False)
    offers_lab = models.BooleanField(_("facilitating thematic labs"), default=False)
    accepting_new = models.BooleanField(_("accepting new supervisees"), default=True)
    max_supervisees = models.PositiveSmallIntegerField(
        _("most supervisees at a time"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("one-to-one session length (minutes)"), default=60
    )
    notice_hours = models.PositiveSmallIntegerField(
        _("notice period (hours)"),
        default=24,
        help_text=_(
            "Mentors book, cancel or reschedule at least this long before a session starts."
        ),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("how far ahead mentors can book (days)"),
        default=90,
        help_text=_("From a week to a year. Mentors see and book your slots up to this far ahead."),
    )
    is_listed = models.BooleanField(_("show me in the directory"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupervisorProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="slot_length_bounded",
                condition=Q(slot_minutes__gte=15) & Q(slot_minutes__lte=240),
            ),
            models.CheckConstraint(name="notice_bounded", condition=Q(notice_hours__lte=24 * 14)),
            models.CheckConstraint(
                name="booking_horizon_bounded",
                condition=Q(booking_horizon_days__gte=7) & Q(booking_horizon_days__lte=365),
            ),
        ]
        indexes = [models.Index(fields=["is_listed", "focus_area"])]
        verbose_name = _("supervisor profile")
        verbose_name_plural = _("supervisor profiles")

    def __str__(self) -> str:
        return f"supervisor profile of {self.user}"

    @property
    def time_zone(self) -> str:
        return self.user.time_zone

    @property
    def focus_label(self) -> str:
        return {
            FocusArea.SKILLS: _("Mentoring skills"),
            FocusArea.DOMAIN: _("Domain knowledge"),
            FocusArea.BOTH: _("Mentoring skills and domain knowledge"),
        }.get(self.focus_area, "")

    @property
    def formats(self) -> list[str]:
        offered = [
            (self.offers_one_to_one, SessionFormat.ONE_TO_ONE),
            (self.offers_group, SessionFormat.GROUP),
            (self.offers_lab, SessionFormat.THEMATIC_LAB),
        ]
        return [str(fmt.label) for on, fmt in offered if on]


class SupervisorLanguage(models.Model):
    profile = models.ForeignKey(
        SupervisorProfile, on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="unique_profile_language"),
        ]
        indexes = [models.Index(fields=["code", "profile"])]
        ordering = ["code"]
        verbose_name = _("supervisor language")
        verbose_name_plural = _("supervisor languages")

    def __str__(self) -> str:
        return self.get_code_display()


# --- One-to-one availability and bookings -------------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityWindow(models.Model):
    """A weekly window of wall-clock times in a named zone (the supervisor's when created)."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="window_ends_after_it_starts", condition=Q(end_time__gt=models.F("start_time"))
            ),
            models.CheckConstraint(name="weekday_in_week", condition=Q(weekday__lte=6)),
        ]
        indexes = [models.Index(fields=["supervisor", "weekday"])]
        ordering = ["weekday", "start_time"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AvailabilityException(models.Model):
    """Days without one-to-one slots (a holiday), as dates in the supervisor's zone."""

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="exception_ends_after_it_starts",
                condition=Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["supervisor", "ends_on"])]
        ordering = ["starts_on"]
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Booking.Status.BOOKED)

    def upcoming(self):
        return self.active().filter(starts_at__gte=timezone.now())

    def for_user(self, user):
        return self.filter(Q(mentor=user) | Q(supervisor=user))


class Booking(models.Model):
    """A one-to-one session booked in a supervisor's free slot."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNMARKED = "unmarked", _("Not yet marked")
        ATTENDED = "attended", _("Held")
        NO_SHOW = "no_show", _("Did not take place")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings_to_supervise"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    attendance = models.CharField(
        max_length=16, choices=Attendance.choices, default=Attendance.UNMARKED
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # iCalendar: a rescheduled or cancelled event keeps its UID with a higher SEQUENCE.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        constraints = [
            # No double booking, ever: the database refuses a second active booking of a slot.
            models.UniqueConstraint(
                fields=["supervisor", "starts_at"],
                condition=Q(status="booked"),
                name="one_active_booking_per_supervisor_slot",
            ),
            models.UniqueConstraint(
                fields=["mentor", "starts_at"],
                condition=Q(status="booked"),
                name="one_active_booking_per_mentor_start",
            ),
            models.CheckConstraint(
                name="booking_not_with_oneself", condition=~Q(mentor=models.F("supervisor"))
            ),
            models.CheckConstraint(
                name="booking_duration_bounded",
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=240),
            ),
        ]
        indexes = [
            models.Index(fields=["supervisor", "status", "starts_at"]),
            models.Index(fields=["mentor", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"booking {self.code} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def source(self) -> str:
        return f"booking:{self.pk}"

    def change_refusal(
        self, by, *, notice_hours: int | None = None, now: datetime.datetime | None = None
    ) -> str | None:
        """Why `by` may not cancel or move this booking now, else None. The one rule behind
        what the booking page offers and what `booking_cancel`/`booking_reschedule` refuse:
        mentors keep the supervisor's notice period; the supervisor may always change it."""
        if by.pk not in (self.mentor_id, self.supervisor_id):
            return gettext("Only the mentor or the supervisor can change this booking.")
        if not self.is_active:
            return gettext("This booking has been cancelled.")
        now = now or timezone.now()
        if self.starts_at <= now:
            return gettext("This session has already started.")
        if by.pk == self.mentor_id:
            if notice_hours is None:
                notice_hours = self.supervisor.supervisor_profile.notice_hours
            if self.starts_at - now < datetime.timedelta(hours=notice_hours):
                return gettext(
                    "This session starts within %(name)s’s notice period of %(hours)s hours: "
                    "please contact them directly."
                ) % {"name": self.supervisor.get_full_name(), "hours": notice_hours}
        return None


# --- Group supervision --------------------------------------------------------------------

GROUP_CAPACITY_MAX = 12


class SupervisionGroup(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="groups_facilitated"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=6, help_text=_("Small groups: 2 to 12 mentors.")
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en")
    reflection_model = models.ForeignKey(
        ReflectionModel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reflection model"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=90)
    is_open = models.BooleanField(_("open to requests"), default=True)
    # Arranged by a training centre for its own mentors: only they see and join it.
    reserved_for = models.ForeignKey(
        "institutions.TrainingCentre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserved_groups",
        verbose_name=_("reserved for the mentors of"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="group_is_small",
                condition=Q(capacity__gte=2) & Q(capacity__lte=GROUP_CAPACITY_MAX),
            ),
            models.CheckConstraint(
                name="group_session_length_bounded",
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
            ),
        ]
        indexes = [models.Index(fields=["is_open", "created_at"])]
        ordering = ["name"]
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        INVITED = "invited", _("Invited")
        MEMBER = "member", _("Member")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="memberships"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    queued_at = models.DateTimeField(default=timezone.now)  # the waiting list's order
    joined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "mentor"], name="one_membership_per_group"),
        ]
        indexes = [models.Index(fields=["group", "status", "queued_at"])]
        ordering = ["queued_at", "pk"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")

    def __str__(self) -> str:
        return f"{self.mentor} in {self.group}: {self.status}"


class GroupSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "starts_at"], name="one_group_session_per_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]
        ordering = ["starts_at"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")

    def __str__(self) -> str:
        return f"{self.group} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def source(self) -> str:
        return f"group_session:{self.pk}"


class GroupAttendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "mentor"], name="attended_group_once"),
        ]
        verbose_name = _("group attendance")
        verbose_name_plural = _("group attendances")

    def __str__(self) -> str:
        return f"{self.mentor} attended {self.session}"


# --- Quarterly thematic labs --------------------------------------------------------------


class LabQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now())


class ThematicLab(models.Model):
    class Audience(models.TextChoices):
        CREDENTIALED = "credentialed", _("Credentialed mentors, from any country")
        MEMBERS = "members", _("Members of the body")
        MENTORS = "mentors", _("Every mentor on Practicum")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(
        _("theme"),
        max_length=120,
        help_text=_("For example: ethics in action, cultural sensitivity, boundary challenges."),
    )
    description = models.TextField(_("description"), max_length=4000)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="labs_facilitated", verbose_name=_("facilitators")
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=120)
    quarter = models.CharField(max_length=8, editable=False)
    capacity = models.PositiveSmallIntegerField(_("places"))
    cpd_hours = models.DecimalField(_("CPD hours awarded"), max_digits=4, decimal_places=1)
    audience = models.CharField(
        _("who may register"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.CREDENTIALED,
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en")
    # Arranged by a training centre for its own mentors: only they see and register.
    reserved_for = models.ForeignKey(
        "institutions.TrainingCentre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserved_labs",
        verbose_name=_("reserved for the mentors of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar: raised when the time moves
    created_at = models.DateTimeField(default=timezone.now)

    objects = LabQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(name="lab_has_places", condition=Q(capacity__gte=1)),
            models.CheckConstraint(
                name="lab_cpd_hours_bounded",
                condition=Q(cpd_hours__gt=0) & Q(cpd_hours__lte=Decimal(40)),
            ),
            models.CheckConstraint(
                name="lab_length_bounded",
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["quarter", "starts_at"]),
        ]
        ordering = ["starts_at"]
        verbose_name = _("thematic lab")
        verbose_name_plural = _("thematic labs")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.quarter = quarter_of(self.starts_at)
        if kwargs.get("update_fields") is not None and "starts_at" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "quarter"}
        super().save(*args, **kwargs)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def source(self) -> str:
        return f"lab:{self.pk}"


class LabRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    lab = models.ForeignKey(ThematicLab, on_delete=models.CASCADE, related_name="registrations")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_registrations"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    queued_at = models.DateTimeField(default=timezone.now)  # the waiting list's order
    promoted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lab", "mentor"], name="one_registration_per_lab"),
            models.CheckConstraint(
                name="only_registered_attend",
                condition=Q(attended=False) | Q(status="registered"),
            ),
        ]
        indexes = [
            models.Index(fields=["lab", "status", "queued_at"]),
            models.Index(fields=["mentor", "status"]),
        ]
        ordering = ["queued_at", "pk"]
        verbose_name = _("lab registration")
        verbose_name_plural = _("lab registrations")

    def __str__(self) -> str:
        return f"{self.mentor} for {self.lab}: {self.status}"


# --- Calendar feed and reminders ----------------------------------------------------------


class CalendarFeed(models.Model):
    """A private iCalendar feed. Only the token's SHA-256 is stored; a reset revokes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_user"
            ),
        ]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


class ReminderSent(models.Model):
    """What the reminder command has sent: one row per event and person, so never twice."""

    class Kind(models.TextChoices):
        BOOKING = "booking", _("One-to-one")
        GROUP_SESSION = "group_session", _("Group session")
        LAB = "lab", _("Thematic lab")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    starts_at = models.DateTimeField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # starts_at is part of it: a rescheduled session earns a reminder for its new time.
            models.UniqueConstraint(
                fields=["kind", "object_id", "starts_at", "recipient"], name="one_reminder_each"
            ),
        ]
        verbose_name = _("supervision reminder sent")
        verbose_name_plural = _("supervision reminders sent")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} reminder to {self.recipient_id}"
