import zoneinfo

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import User
from practicum.lib.uploads import validate_image


def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Every date and time is shown to you in this zone."),
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "country",
            "time_zone",
            "preferred_language",
            "bio",
            "photo",
            "profile_public",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            validate_image(photo, max_bytes=settings.PROFILE_PHOTO_MAX_BYTES)
        return photo


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class AccountStatusForm(forms.Form):
    """A site administrator suspends, restricts or reinstates an account, saying why."""

    status = forms.ChoiceField(label=_("New status"), choices=User.AccountStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded in the audit trail. A suspension also ends every open session."),
        error_messages={"required": _("Give the reason for this change to the account.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for this change to the account."))
        return reason


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form. A refused sign-in is one error about the pair (which of the two
    is wrong is not said, on purpose): both fields are then marked invalid and tied to it."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.non_field_errors():
            return
        for name in ("login", "password"):
            if name not in self.fields:
                continue
            described = " ".join(filter(None, [self[name].aria_describedby, "form-error-list"]))
            self.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": described}
            )
