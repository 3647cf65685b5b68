import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.reflection import demo
from practicum.reflection.models import Reflection, ReflectionShare, SelfCareCheck, Tag
from practicum.reflection.tests.conftest import declare, upcoming

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_tells_a_story(frameworks):
    maya = make_user("mentor@demo.practicum.test", Role.MENTOR, full_name="Maya Mentor")
    samir = make_user("supervisor@demo.practicum.test", Role.MENTOR, Role.SUPERVISOR)
    upcoming(maya, declare(maya, samir), days=-3)
    people = {"mentor": maya, "supervisor": samir}
    demo.load(people)
    demo.load(people)
    assert Reflection.objects.filter(mentor=maya).count() == 2
    assert ReflectionShare.objects.visible_to(samir).count() == 1
    assert SelfCareCheck.objects.filter(mentor=maya).count() == 7
    assert Tag.objects.filter(mentor=maya).count() >= 4
