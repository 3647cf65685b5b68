"""The supervisor criteria and the group reflection models in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from practicum.supervision.models import EligibilityRuleSet, ReflectionModel

pytestmark = pytest.mark.django_db


def test_criteria_and_models_read_in_spanish_and_arabic_and_fall_back(rules):
    rule_set = EligibilityRuleSet.objects.get(version="1.0")
    model = ReflectionModel.objects.get(code="ethics-lens")
    with translation.override("es"):
        assert (
            rule_set.local_texts()["training"] == "Al menos 30 horas de formación en supervisión."
        )
        assert model.local_name == "Ronda de la Lente Ética"
        assert [s["minutes"] for s in model.local_steps] == [s["minutes"] for s in model.steps]
    with translation.override("ar"):
        assert model.local_steps[2]["title"] == "من خلال الميثاق"
    with translation.override("fr"):
        assert model.local_name == model.name == "Ethics Lens round"
    # What the services and records read is the version as published.
    assert rule_set.criteria[1]["text"] == "At least 30 hours of training in supervision."


def test_the_application_page_shows_the_criteria_in_spanish(client, rules, mentor):
    mentor.preferred_language = "es"
    mentor.save(update_fields=["preferred_language"])
    client.force_login(mentor)
    html = client.get(reverse("supervision:application_create")).content.decode()
    assert "Al menos 3 años de práctica como mentor o mentora." in html
    assert "Un supervisor o supervisora es un mentor en ejercicio" in html
