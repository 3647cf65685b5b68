import datetime
import zoneinfo
from decimal import Decimal

from django import forms
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role, User
from practicum.practice.models import (
    FocusArea,
    SessionFormat,
    SupervisionRelationship,
    SupervisionSession,
)
from practicum.supervision import slots as slot_math
from practicum.supervision.models import (
    GROUP_CAPACITY_MAX,
    LANGUAGE_CHOICES,
    AvailabilityException,
    AvailabilityWindow,
    ReflectionModel,
    SupervisionGroup,
    SupervisorApplication,
    SupervisorProfile,
    ThematicLab,
)

# The directory's time-zone overlap counts common hours in a working day of 08:00-20:00.
WORKING_DAY_START, WORKING_DAY_HOURS = 8, 12
SLOT_LENGTHS = [30, 45, 50, 60, 75, 90, 120]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


# --- Becoming a supervisor ----------------------------------------------------------------


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = SupervisorApplication
        fields = [
            "years_of_practice",
            "experience",
            "training_programme",
            "training_provider",
            "training_hours",
            "training_completed_on",
            "statement",
        ]
        widgets = {
            "experience": forms.Textarea(attrs={"rows": 5}),
            "statement": forms.Textarea(attrs={"rows": 5}),
            "training_completed_on": DateInput,
        }
        help_texts = {
            "experience": _("Who you mentor, in what settings, for how long. No client names."),
            "statement": _("What you would bring to other mentors as their supervisor."),
        }

    def clean_years_of_practice(self):
        years = self.cleaned_data["years_of_practice"]
        if years > 70:
            raise forms.ValidationError(_("Give your years of practice as a number up to 70."))
        return years

    def clean_training_hours(self):
        hours = self.cleaned_data["training_hours"]
        if hours <= 0 or hours > Decimal(5000):
            raise forms.ValidationError(_("Give the hours of training, between 0.5 and 5000."))
        return hours

    def clean_training_completed_on(self):
        day = self.cleaned_data["training_completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Give the date you completed it (not a future date)."))
        return day


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: grant the supervisor role")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining; the applicant receives it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the applicant a reason for declining."))
        return data


# --- Profile and availability -------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages you supervise in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    slot_minutes = forms.TypedChoiceField(
        label=_("One-to-one session length"),
        coerce=int,
        choices=[(m, _("%(m)s minutes") % {"m": m}) for m in SLOT_LENGTHS],
    )

    class Meta:
        model = SupervisorProfile
        fields = [
            "bio",
            "languages",
            "focus_area",
            "experience",
            "years_supervising",
            "offers_one_to_one",
            "offers_group",
            "offers_lab",
            "accepting_new",
            "max_supervisees",
            "slot_minutes",
            "notice_hours",
            "booking_horizon_days",
            "is_listed",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "experience": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = list(self.instance.languages.values_list("code", flat=True))

    def clean_years_supervising(self):
        years = self.cleaned_data["years_supervising"]
        if years > 70:
            raise forms.ValidationError(_("Give your years supervising as a number up to 70."))
        return years

    def clean_notice_hours(self):
        hours = self.cleaned_data["notice_hours"]
        if hours > 24 * 14:
            raise forms.ValidationError(
                _("The notice period can be two weeks (336 hours) at most.")
            )
        return hours

    def clean_booking_horizon_days(self):
        days = self.cleaned_data["booking_horizon_days"]
        if not 7 <= days <= 365:
            raise forms.ValidationError(
                _("Let mentors book from a week (7 days) to a year (365 days) ahead.")
            )
        return days

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("offers_one_to_one", "offers_group", "offers_lab")):
            self.add_error("offers_one_to_one", _("Offer at least one format."))
        return data


class WindowForm(forms.ModelForm):
    class Meta:
        model = AvailabilityWindow
        fields = ["weekday", "start_time", "end_time"]
        widgets = {"start_time": TimeInput, "end_time": TimeInput}

    def __init__(self, *args, slot_minutes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_minutes = slot_minutes

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end:
            if end <= start:
                self.add_error("end_time", _("The window must end after it starts."))
            else:
                length = datetime.datetime.combine(
                    datetime.date.min, end
                ) - datetime.datetime.combine(datetime.date.min, start)
                if length < datetime.timedelta(minutes=self.slot_minutes):
                    self.add_error(
                        "end_time",
                        _("The window is shorter than one session (%(m)s minutes).")
                        % {"m": self.slot_minutes},
                    )
        return data

    def validate_unique(self):
        pass  # the service checks overlaps; supervisor and zone are set there


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["starts_on", "ends_on", "label"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}
        help_texts = {"label": _("For example: holiday. Only you see it.")}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


# --- Bookings -----------------------------------------------------------------------------


class SlotField(forms.Field):
    """A slot's start as ISO 8601 with its offset (the value of the slot's button)."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        error = forms.ValidationError(_("Choose a time from the list of free slots."))
        if len(value) > 40:
            raise error
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise error from exc
        if moment.tzinfo is None:
            raise error
        return moment.astimezone(datetime.UTC)


class SlotForm(forms.Form):
    starts_at = SlotField(label=_("Time"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_("Sent to the other person. No client names, please."),
    )


class BookingAttendanceForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes, it was held")), ("no", _("No, it did not take place"))],
        widget=forms.RadioSelect,
    )


class DirectoryFilterForm(forms.Form):
    quiet_optional = True  # a filter: every field is optional, saying so is noise

    ANY = [("", _("Any"))]
    language = forms.ChoiceField(label=_("Language"), required=False)
    focus = forms.ChoiceField(
        label=_("Focus"),
        required=False,
        choices=ANY
        + [(FocusArea.SKILLS, FocusArea.SKILLS.label), (FocusArea.DOMAIN, FocusArea.DOMAIN.label)],
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=ANY + SessionFormat.choices
    )
    overlap = forms.TypedChoiceField(
        label=_("Working hours in common"),
        required=False,
        coerce=int,
        empty_value=0,
        choices=[
            ("", _("Any")),
            ("2", _("At least 2 hours")),
            ("4", _("At least 4 hours")),
            ("6", _("At least 6 hours")),
            ("10", _("Nearly all (10 hours or more)")),
        ],
    )
    open = forms.BooleanField(label=_("Only supervisors taking new supervisees"), required=False)

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(LANGUAGE_CHOICES)
        self.fields["language"].choices = self.ANY + sorted(
            ((code, str(names.get(code, code))) for code in languages), key=lambda c: c[1]
        )

    def filter(self, profiles, *, viewer_zone: str):
        if not self.is_valid():
            return profiles
        data = self.cleaned_data
        if data["language"]:
            profiles = profiles.filter(languages__code=data["language"])
        if data["focus"]:
            profiles = profiles.filter(focus_area__in=[data["focus"], FocusArea.BOTH])
        if data["format"]:
            field = {
                SessionFormat.ONE_TO_ONE: "offers_one_to_one",
                SessionFormat.GROUP: "offers_group",
                SessionFormat.THEMATIC_LAB: "offers_lab",
            }[data["format"]]
            profiles = profiles.filter(**{field: True})
        if data["overlap"]:
            profiles = profiles.filter(
                user__time_zone__in=zones_overlapping(viewer_zone, data["overlap"])
            )
        if data["open"]:
            active = (
                SupervisionRelationship.objects.filter(
                    supervisor=OuterRef("user_id"), ended_on__isnull=True
                )
                .values("supervisor")
                .annotate(n=Count("pk"))
                .values("n")
            )
            profiles = profiles.annotate(current=Coalesce(Subquery(active), 0)).filter(
                Q(max_supervisees__isnull=True) | Q(current__lt=F("max_supervisees")),
                accepting_new=True,
            )
        return profiles


def _offset_hours(zone: zoneinfo.ZoneInfo, at: datetime.datetime) -> float:
    offset = at.astimezone(zone).utcoffset() or datetime.timedelta()
    return offset.total_seconds() / 3600


def common_working_hours(zone_a: str, zone_b: str, at: datetime.datetime | None = None) -> float:
    """Hours of a 08:00-20:00 working day the two zones share, today."""
    at = at or timezone.now()
    gap = abs(
        _offset_hours(zoneinfo.ZoneInfo(zone_a), at) - _offset_hours(zoneinfo.ZoneInfo(zone_b), at)
    )
    gap = min(gap, 24 - gap)
    return max(0.0, WORKING_DAY_HOURS - gap)


def zones_overlapping(zone: str, hours: int) -> list[str]:
    """Every zone name sharing at least `hours` working hours with `zone`, today."""
    at = timezone.now()
    mine = _offset_hours(zoneinfo.ZoneInfo(zone), at)
    found = []
    for name in zoneinfo.available_timezones():
        try:
            theirs = _offset_hours(zoneinfo.ZoneInfo(name), at)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        gap = abs(mine - theirs)
        if WORKING_DAY_HOURS - min(gap, 24 - gap) >= hours:
            found.append(name)
    return found


# --- Groups -------------------------------------------------------------------------------


class GroupForm(forms.ModelForm):
    class Meta:
        model = SupervisionGroup
        fields = [
            "name",
            "description",
            "capacity",
            "language",
            "reflection_model",
            "duration_minutes",
            "is_open",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reflection_model"].queryset = ReflectionModel.objects.order_by(
            "name", "-version"
        )
        self.fields["reflection_model"].label_from_instance = lambda model: (
            f"{model.local_name} ({model.version})"
        )
        self.fields["reflection_model"].help_text = _(
            "Its steps are the agenda shown on every session page."
        )

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 2 <= capacity <= GROUP_CAPACITY_MAX:
            raise forms.ValidationError(
                _("A small group has between 2 and %(n)s places.") % {"n": GROUP_CAPACITY_MAX}
            )
        return capacity

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 15 <= minutes <= 480:
            raise forms.ValidationError(_("A session lasts between 15 and 480 minutes."))
        return minutes


class ScheduleForm(forms.Form):
    first_day = forms.DateField(label=_("First session"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    count = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=26, initial=6)
    every_weeks = forms.TypedChoiceField(
        label=_("Every"),
        coerce=int,
        choices=[
            (1, _("week")),
            (2, _("2 weeks")),
            (3, _("3 weeks")),
            (4, _("4 weeks")),
        ],
        initial=4,
    )

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The first session must be in the future."))
        if day > timezone.localdate() + datetime.timedelta(days=400):
            raise forms.ValidationError(_("Schedule at most a year ahead."))
        return day


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Mentor's email address"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        mentor = User.objects.filter(
            email=email, is_active=True, role_grants__role=Role.MENTOR
        ).first()
        if mentor is None:
            raise forms.ValidationError(
                _("No mentor on Practicum uses this address: ask them to join first.")
            )
        self.cleaned_data["mentor"] = mentor
        return email


class MemberDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("remove", _("Remove"))]
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who attended"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name()


# --- Labs ---------------------------------------------------------------------------------


class FacilitatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class LabForm(forms.ModelForm):
    facilitators = FacilitatorsField(
        label=_("Facilitators"),
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)

    class Meta:
        model = ThematicLab
        fields = [
            "title",
            "theme",
            "description",
            "facilitators",
            "day",
            "start_time",
            "duration_minutes",
            "capacity",
            "cpd_hours",
            "audience",
            "language",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = timezone.get_current_timezone()
        self.fields["start_time"].help_text = _("In your time zone (%(zone)s).") % {
            "zone": timezone.get_current_timezone_name()
        }
        self.fields["facilitators"].queryset = (
            User.objects.filter(role_grants__role=Role.SUPERVISOR, is_active=True)
            .order_by("full_name", "email")
            .distinct()
        )
        if self.instance.pk and not self.is_bound:
            local = timezone.localtime(self.instance.starts_at, self.zone)
            self.initial.update(
                day=local.date(),
                start_time=local.time().replace(second=0, microsecond=0),
                facilitators=list(self.instance.facilitators.all()),
            )

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= 500:
            raise forms.ValidationError(_("A lab has between 1 and 500 places."))
        return capacity

    def clean_cpd_hours(self):
        hours = self.cleaned_data["cpd_hours"]
        if not Decimal("0.5") <= hours <= Decimal(40):
            raise forms.ValidationError(_("Award between 0.5 and 40 CPD hours."))
        return hours

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 15 <= minutes <= 480:
            raise forms.ValidationError(_("A lab lasts between 15 and 480 minutes."))
        return minutes

    def clean(self):
        data = super().clean()
        day, at = data.get("day"), data.get("start_time")
        if day and at:
            moment = slot_math.wall_clock_to_utc(day, at, self.zone)
            if moment is None:
                self.add_error(
                    "start_time", _("This time does not exist that day (the clocks change).")
                )
            elif moment <= timezone.now() and (
                not self.instance.pk or moment != self.instance.starts_at
            ):
                self.add_error("day", _("Choose a date and time in the future."))
            else:
                data["starts_at"] = moment
        return data

    def lab_fields(self) -> dict:
        data = self.cleaned_data
        names = [
            "title",
            "theme",
            "description",
            "duration_minutes",
            "capacity",
            "cpd_hours",
            "audience",
            "language",
            "starts_at",
        ]
        return {name: data[name] for name in names}

    def _post_clean(self):
        pass  # the model is validated by the service, with its facilitators


class LabFilterForm(forms.Form):
    quiet_optional = True  # a filter: every field is optional, saying so is noise

    quarter = forms.ChoiceField(label=_("Quarter"), required=False)
    theme = forms.CharField(label=_("Theme contains"), required=False, max_length=60)
    open = forms.BooleanField(label=_("Only labs with free places"), required=False)

    def __init__(self, *args, quarters: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", _("Upcoming"))] + [(q, q) for q in quarters]


class NotesForm(forms.ModelForm):
    class Meta:
        model = SupervisionSession
        fields = ["key_learnings", "actions", "experience", "feedback_to_supervisor"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback_to_supervisor"].help_text = _(
            "Your supervisor reads this. For a group or a lab they see it only with others’, "
            "without names, once at least three people have written some."
        )

    def _post_clean(self):
        pass  # only these four texts change, through the service


class CalendarForm(forms.Form):
    action = forms.ChoiceField(choices=[("create", _("Create")), ("revoke", _("Turn off"))])


# --- Arranged by a training centre for its mentors ----------------------------------------


class FacilitatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class CentreGroupForm(GroupForm):
    """A group a centre's administrator arranges: the same fields, and the facilitator chosen
    among supervisors who offer groups."""

    facilitator = FacilitatorField(
        label=_("Facilitator"),
        queryset=User.objects.none(),
        help_text=_("Supervisors who offer group supervision on their profile."),
    )

    class Meta(GroupForm.Meta):
        fields = ["facilitator", *GroupForm.Meta.fields]

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators


class CentreLabForm(LabForm):
    """A lab a centre's administrator arranges: no audience to choose (the centre's mentors),
    the facilitators among supervisors who offer labs."""

    class Meta(LabForm.Meta):
        fields = [name for name in LabForm.Meta.fields if name != "audience"]

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = facilitators
        self.fields["facilitators"].help_text = _(
            "Supervisors who offer to facilitate labs on their profile."
        )

    def lab_fields(self) -> dict:
        self.cleaned_data.setdefault("audience", ThematicLab.Audience.MENTORS)
        return super().lab_fields()
