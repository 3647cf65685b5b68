"""{% url %} remembered per process: the same links, the same errors as Django's own."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, reverse, set_script_prefix

from practicum.lib.reversing import CachedURLNode, cached_reverse


def test_templates_use_the_remembered_url_tag():
    template = Template("{% url 'reflection:toolkit' %}")
    assert isinstance(template.nodelist[0], CachedURLNode)


def test_it_gives_what_reverse_gives():
    assert cached_reverse("reflection:toolkit") == reverse("reflection:toolkit")
    assert cached_reverse("reflection:reflection_step", args=[3, 2]) == reverse(
        "reflection:reflection_step", args=[3, 2]
    )
    assert cached_reverse("reflection:reflection_step", kwargs={"pk": 3, "step": 2}) == reverse(
        "reflection:reflection_step", kwargs={"pk": 3, "step": 2}
    )
    html = Template("{% url 'reflection:reflection_step' pk 2 %}|{% url 'home' as u %}{{ u }}")
    assert (
        html.render(Context({"pk": 7})) == reverse("reflection:reflection_step", args=[7, 2]) + "|/"
    )


def test_arguments_of_different_types_are_not_confused():
    assert cached_reverse("accounts:public_profile", args=["1"]).endswith("/1/")
    assert cached_reverse("accounts:public_profile", args=[True]).endswith("/True/")
    assert cached_reverse("accounts:public_profile", args=[1]).endswith("/1/")


def test_an_unknown_route_still_fails_and_as_var_still_swallows_it():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nowhere' %}").render(Context())
    assert Template("{% url 'nowhere' as u %}[{{ u }}]").render(Context()) == "[]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_script_prefix_is_part_of_the_link():
    plain = cached_reverse("reflection:toolkit")
    set_script_prefix("/practicum/")
    try:
        assert cached_reverse("reflection:toolkit") == "/practicum" + plain
    finally:
        set_script_prefix("/")
    assert cached_reverse("reflection:toolkit") == plain
