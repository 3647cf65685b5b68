from practicum.credentials.apps import holds_valid_credential
from practicum.credentials.citations import record_cited_by_application
from practicum.practice.erasure import CITATION_CHECKS
from practicum.supervision.services import CREDENTIAL_CHECKS


def test_credentials_answers_the_hooks_of_the_apps_on_its_left():
    assert record_cited_by_application in CITATION_CHECKS
    assert holds_valid_credential in CREDENTIAL_CHECKS
