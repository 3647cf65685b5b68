import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def test_tool_versions_are_read_only_in_the_admin(client, site_admin, tools):
    client.force_login(site_admin)
    assert client.get(reverse("admin:reflection_toolversion_changelist")).status_code == 200
    assert client.get(reverse("admin:reflection_toolversion_add")).status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "reflection",
        "ethicsworksheet",
        "selfcarecheck",
        "readinessattempt",
        "developmentgoal",
        "tag",
    ],
)
def test_the_mentors_private_records_are_not_in_the_admin(model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:reflection_{model}_changelist")
