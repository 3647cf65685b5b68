from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates, with our field template: labels without a trailing colon,
    errors and help tied to their field (aria-describedby), optional fields said so (except
    in forms with `quiet_optional = True`: filters, where every field is optional)."""

    field_template_name = "forms/field.html"
