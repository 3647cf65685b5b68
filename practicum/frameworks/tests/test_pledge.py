import datetime

import pytest
import yaml
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.frameworks.loader import DATA_DIR, framework_load
from practicum.frameworks.models import PledgeAcceptance

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_member(frameworks):
    return make_user("new@example.org", Role.MENTOR, pledge=False)


def test_member_features_wait_for_the_pledge(client, new_member):
    client.force_login(new_member)
    response = client.get(reverse("practice:mentor_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('frameworks:pledge')}?next=%2Fmentor%2F"


def test_accepting_records_user_version_and_time(client, new_member):
    client.force_login(new_member)
    response = client.post(reverse("frameworks:pledge"), {"accept": "on", "next": "/mentor/"})
    assert response["Location"] == "/mentor/"
    acceptance = PledgeAcceptance.objects.get(user=new_member)
    assert acceptance.framework.version == "1.0"
    assert acceptance.accepted_at is not None
    assert client.get(reverse("practice:mentor_dashboard")).status_code == 200


def test_the_box_must_be_ticked(client, new_member):
    client.force_login(new_member)
    response = client.post(reverse("frameworks:pledge"), {"next": "/mentor/"})
    assert response.status_code == 200
    assert "Tick the box" in str(response.context["form"].errors["accept"])
    assert not PledgeAcceptance.objects.exists()


def test_accepting_twice_records_it_once(client, new_member):
    client.force_login(new_member)
    client.post(reverse("frameworks:pledge"), {"accept": "on"})
    client.post(reverse("frameworks:pledge"), {"accept": "on"})
    assert PledgeAcceptance.objects.filter(user=new_member).count() == 1


def test_the_pledge_refuses_to_redirect_off_site(client, new_member):
    client.force_login(new_member)
    response = client.post(
        reverse("frameworks:pledge"), {"accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_a_new_version_of_the_code_asks_again(client, mentor, tmp_path):
    client.force_login(mentor)
    assert client.get(reverse("practice:mentor_dashboard")).status_code == 200
    doc = yaml.safe_load((DATA_DIR / "code_of_ethics" / "1.0.yaml").read_text(encoding="utf-8"))
    doc["version"] = "2.0"
    doc["effective_date"] = datetime.date.today()
    path = tmp_path / "2.0.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    framework_load(path=path)
    assert client.get(reverse("practice:mentor_dashboard")).status_code == 302
    client.post(reverse("frameworks:pledge"), {"accept": "on"})
    assert sorted(
        PledgeAcceptance.objects.filter(user=mentor).values_list("framework__version", flat=True)
    ) == ["1.0", "2.0"]


def test_staff_pages_do_not_ask_for_the_pledge(client, frameworks):
    staff = make_user("staff@example.org", Role.CREDENTIALING_STAFF, pledge=False, mfa=True)
    client.force_login(staff)
    assert client.get(reverse("credentials:staff_dashboard")).status_code == 200
