from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates, with our field template: labels without a trailing colon,
    errors and help tied to their field (aria-describedby), optional fields said so (except
    in forms with `quiet_optional = True`: filters, where every field is optional), and a form
    in error opens with an error summary linking to each field (`forms/error_summary.html`;
    `static/js/a11y.js` focuses it and prefixes the page title with "Error:")."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def add_service_errors(form, error: ValidationError, field: str | None = None) -> None:
    """A service refused: show its messages on the form (non-field errors by default).

    Messages, not `form.add_error(None, error)`: a service's full_clean() may name model
    fields the form does not have."""
    for message in error.messages:
        form.add_error(field, message)


def flash_service_errors(request, error: ValidationError) -> None:
    """A service refused an action that has no form: say why on the next page."""
    for message in error.messages:
        messages.error(request, message)
