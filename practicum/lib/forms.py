from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form templates, with our field template: labels without a trailing colon,
    errors and help tied to their field (aria-describedby), optional fields said so."""

    field_template_name = "forms/field.html"
