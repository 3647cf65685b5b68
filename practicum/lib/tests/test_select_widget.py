"""Our select.html (options written inline, not included one by one) renders exactly as
Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from practicum.lib.forms import FormRenderer

CHOICES = [
    ("", "---"),
    ("Group & co", [("a", "A"), ("b", "B <b>")]),
    ("c", "C & D"),
    (3, "Three"),
]


@pytest.mark.parametrize(
    "widget, value",
    [
        (
            forms.Select(choices=CHOICES, attrs={"class": "x", "required": True, "hidden": False}),
            "b",
        ),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES), 3),
        (forms.SelectMultiple(choices=CHOICES, attrs={"aria-describedby": "h"}), ["a", "c"]),
        (forms.NullBooleanSelect(), True),
    ],
)
def test_it_renders_as_djangos_own(widget, value):
    ours = widget.render("f", value, attrs={"id": "id_f"}, renderer=FormRenderer())
    django = widget.render("f", value, attrs={"id": "id_f"}, renderer=DjangoTemplates())
    assert ours == django


def test_an_option_template_of_its_own_is_still_used():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Custom(choices=[("a", "A")])
    ours = widget.render("f", "a", renderer=FormRenderer())
    assert ours == widget.render("f", "a", renderer=DjangoTemplates())
    assert 'type="radio"' in ours or "<label" in ours


def test_the_inline_template_is_the_one_in_use():
    origin = FormRenderer().get_template("django/forms/widgets/select.html").origin.name
    assert origin.endswith("practicum/templates/django/forms/widgets/select.html")
