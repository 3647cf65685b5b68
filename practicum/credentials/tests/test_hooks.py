from practicum.credentials.apps import holds_valid_credential
from practicum.credentials.citations import record_cited_by_application
from practicum.practice.erasure import CITATION_CHECKS
from practicum.supervision.services import CREDENTIAL_CHECKS


def test_credentials_answers_the_hooks_of_the_apps_on_its_left():
    assert record_cited_by_application in CITATION_CHECKS
    assert holds_valid_credential in CREDENTIAL_CHECKS


def test_the_mentor_dashboard_reads_its_thresholds_from_the_rules(db, rules, client, mentor):
    import copy
    from decimal import Decimal

    from django.urls import reverse

    from practicum.credentials.models import RuleSet, body_today
    from practicum.credentials.services import dashboard_targets
    from practicum.practice.progress import TARGET_SOURCES, Targets

    assert dashboard_targets in TARGET_SOURCES
    today = body_today()  # the page below reads the rules in force today
    assert dashboard_targets(today) == Targets(5, 10, 5, Decimal(50))
    current = RuleSet.objects.current("CMM", today)
    content = copy.deepcopy(current.content)
    content.update(version="9.0", effective_date=today.isoformat())
    for requirement in content["requirements"]:
        if requirement["kind"] == "completed_engagements":
            requirement["count"] = 12
    RuleSet.objects.create(
        credential_type=current.credential_type,
        version="9.0",
        effective_date=today,
        content=content,
        content_hash="x",
    )
    assert dashboard_targets(today).engagements == 12
    client.force_login(mentor)
    html = client.get(reverse("practice:mentor_dashboard")).content.decode()
    assert "12 more completed engagements." in html
