"""The Reflective Conversation Framework: one step per screen, a draft saved at every step."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice.models import MentoringEngagement
from practicum.reflection import services
from practicum.reflection.models import EthicsWorksheet, Reflection, Tag, ToolVersion
from practicum.reflection.tests.conftest import write_reflection

pytestmark = pytest.mark.django_db
Kind = ToolVersion.Kind


def step_url(reflection, step):
    return reverse("reflection:reflection_step", args=[reflection.pk, step])


def test_a_mentor_starts_a_reflection_and_lands_on_step_one(client, mentor, tools):
    client.force_login(mentor)
    page = client.get(reverse("reflection:reflection_create"))
    assert "9 steps, one per screen" in page.content.decode()
    response = client.post(reverse("reflection:reflection_create"), {"title": "A sponsor call"})
    reflection = Reflection.objects.get(mentor=mentor)
    assert response["Location"] == step_url(reflection, 1)
    assert reflection.title == "A sponsor call"
    assert reflection.tool == tools[Kind.REFLECTIVE_CONVERSATION]
    assert reflection.is_draft and reflection.answer_map == {}


def test_starting_needs_a_title(client, mentor, tools):
    client.force_login(mentor)
    response = client.post(reverse("reflection:reflection_create"), {"title": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Reflection.objects.exists()


def test_each_step_shows_its_prompt_and_the_progress(client, mentor, reflection):
    client.force_login(mentor)
    html = client.get(step_url(reflection, 4)).content.decode()
    assert "<h1>Patterns</h1>" in html
    assert "Step 4 of 9" in html
    assert '<progress max="9" value="4"' in html
    assert "With this client" in html and "Across clients, and in me" in html
    # steps already written are marked in the progress list
    assert html.count("(written)") == 5


def test_saving_a_step_keeps_a_draft_and_moves_on(client, mentor, reflection):
    client.force_login(mentor)
    response = client.post(
        step_url(reflection, 4),
        {"pattern_this_client": "Third time she tests the frame.", "action": "next"},
    )
    assert response["Location"] == step_url(reflection, 5)
    reflection.refresh_from_db()
    assert reflection.answer_map["pattern_this_client"] == "Third time she tests the frame."
    assert reflection.current_step == 4 and reflection.is_draft
    # the other steps are untouched
    assert reflection.answer_map["situation"].startswith("The sponsor asked")


def test_going_back_or_jumping_saves_first(client, mentor, reflection):
    client.force_login(mentor)
    back = client.post(
        step_url(reflection, 7), {"learning": "Contract three ways.", "action": "back"}
    )
    assert back["Location"] == step_url(reflection, 6)
    jump = client.post(step_url(reflection, 7), {"learning": "Contract early.", "goto": "2"})
    assert jump["Location"] == step_url(reflection, 2)
    stay = client.post(step_url(reflection, 7), {"learning": "Contract earlier.", "action": "save"})
    assert stay["Location"] == step_url(reflection, 7)
    reflection.refresh_from_db()
    assert reflection.answer_map["learning"] == "Contract earlier."


def test_clearing_an_answer_removes_it(client, mentor, reflection):
    client.force_login(mentor)
    client.post(step_url(reflection, 1), {"situation": "", "action": "save"})
    reflection.refresh_from_db()
    assert "situation" not in reflection.answer_map


def test_the_last_step_finishes_the_reflection(client, mentor, reflection):
    client.force_login(mentor)
    response = client.post(
        step_url(reflection, 9), {"actions": "Email the sponsor.", "action": "finish"}
    )
    assert response["Location"] == reverse("reflection:reflection_detail", args=[reflection.pk])
    reflection.refresh_from_db()
    assert not reflection.is_draft
    detail = client.get(response["Location"]).content.decode()
    assert "Email the sponsor." in detail and "Complete" in detail


def test_finishing_without_the_situation_is_refused_with_a_reason(client, mentor, tools):
    reflection = write_reflection(mentor, tools[Kind.REFLECTIVE_CONVERSATION], answers={})
    client.force_login(mentor)
    response = client.post(step_url(reflection, 9), {"actions": "Later.", "action": "finish"})
    assert response.status_code == 400
    assert "Describe the situation (step 1" in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.is_draft
    assert reflection.answer_map == {"actions": "Later."}  # the step itself was saved


def test_an_answer_too_long_is_refused_and_nothing_is_saved(client, mentor, reflection):
    client.force_login(mentor)
    response = client.post(
        step_url(reflection, 7), {"learning": "x" * (services.MAX_ANSWER_CHARS + 1)}
    )
    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    reflection.refresh_from_db()
    assert "learning" not in reflection.answer_map


def test_a_step_beyond_the_last_goes_back_to_the_first(client, mentor, reflection):
    client.force_login(mentor)
    assert client.get(step_url(reflection, 42))["Location"] == step_url(reflection, 1)


def test_the_ethical_step_opens_a_worksheet_linked_to_the_reflection(client, mentor, reflection):
    client.force_login(mentor)
    html = client.get(step_url(reflection, 5)).content.decode()
    assert "Open an Ethics Lens Worksheet" in html
    response = client.post(
        step_url(reflection, 5),
        {"ethical": "Confidentiality against the sponsor's interest.", "action": "worksheet"},
    )
    worksheet = EthicsWorksheet.objects.get(reflection=reflection)
    assert response["Location"] == reverse("reflection:worksheet_detail", args=[worksheet.pk])
    assert worksheet.mentor == mentor and worksheet.title == reflection.title
    assert "sponsor asked me what my mentee said" in worksheet.dilemma
    assert "sponsor's interest" in worksheet.dilemma
    assert worksheet.option_list == ["Tell the sponsor nothing.", "Ask my mentee first."]
    # opening it again finds the same worksheet
    client.post(step_url(reflection, 5), {"ethical": "Same.", "action": "worksheet"})
    assert EthicsWorksheet.objects.filter(reflection=reflection).count() == 1


def test_title_engagement_and_themes_are_edited(client, mentor, reflection):
    engagement = MentoringEngagement.objects.create(
        mentor=mentor,
        mentee_name="Priya Raman",
        kind="external",
        started_on="2025-02-01",
        status="active",
    )
    client.force_login(mentor)
    page = client.get(reverse("reflection:reflection_details", args=[reflection.pk]))
    assert "Parallel process" in page.content.decode()  # suggested themes, from data
    response = client.post(
        reverse("reflection:reflection_details", args=[reflection.pk]),
        {
            "title": "Three-way contract",
            "engagement": engagement.pk,
            "tags": ["Boundaries", "Parallel process"],
            "new_tags": "sponsor pressure, boundaries",
        },
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.title == "Three-way contract" and reflection.engagement == engagement
    assert sorted(t.name for t in reflection.tags.all()) == [
        "Boundaries",
        "Parallel process",
        "sponsor pressure",
    ]


def test_another_mentors_engagement_cannot_be_chosen(client, mentor, other_mentor, reflection):
    theirs = MentoringEngagement.objects.create(
        mentor=other_mentor,
        mentee_name="X",
        kind="external",
        started_on="2025-02-01",
        status="active",
    )
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:reflection_details", args=[reflection.pk]),
        {"title": "T", "engagement": theirs.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        services.reflection_update(reflection=reflection, title="T", engagement=theirs)


def test_the_list_shows_drafts_and_progress_in_few_queries(
    client, mentor, tools, django_assert_max_num_queries
):
    tool = tools[Kind.REFLECTIVE_CONVERSATION]
    for n in range(30):
        r = write_reflection(mentor, tool, title=f"Reflection {n}")
        services.reflection_tags_set(reflection=r, names=["Boundaries"])
    client.force_login(mentor)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("reflection:reflection_list")).content.decode()
    assert html.count("5 of 9 steps") == 25
    assert "Page 1 of 2" in html


def test_a_mentor_deletes_a_reflection_for_good(client, mentor, reflection):
    client.force_login(mentor)
    response = client.post(reverse("reflection:reflection_delete", args=[reflection.pk]))
    assert response["Location"] == reverse("reflection:reflection_list")
    assert not Reflection.objects.exists()


def test_the_free_text_is_encrypted_at_rest(mentor, reflection):
    services.reflection_tags_set(reflection=reflection, names=["Secret theme"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, answers FROM reflection_reflection WHERE id = %s", [reflection.pk]
        )
        title, answers = cursor.fetchone()
        cursor.execute("SELECT name, digest FROM reflection_tag")
        name, digest = cursor.fetchone()
    assert title.startswith("fernet:") and "sponsor" not in title
    assert answers.startswith("fernet:") and "confidence" not in answers
    assert name.startswith("fernet:") and "Secret" not in name
    assert len(digest) == 64 and "secret" not in digest
    assert Tag.objects.get().name == "Secret theme"


@pytest.mark.parametrize(
    "name",
    [
        "reflection:reflection_detail",
        "reflection:reflection_details",
        "reflection:reflection_supervision",
        "reflection:reflection_pdf",
    ],
)
def test_another_mentors_reflection_is_not_found(client, other_mentor, reflection, name):
    client.force_login(other_mentor)
    assert client.get(reverse(name, args=[reflection.pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["reflection:reflection_delete", "reflection:reflection_worksheet"]
)
def test_another_mentor_cannot_act_on_a_reflection(client, other_mentor, reflection, name):
    client.force_login(other_mentor)
    assert client.post(reverse(name, args=[reflection.pk])).status_code == 404
    assert Reflection.objects.filter(pk=reflection.pk).exists()
    assert not EthicsWorksheet.objects.exists()


def test_another_mentor_cannot_write_a_step(client, other_mentor, reflection):
    client.force_login(other_mentor)
    response = client.post(step_url(reflection, 7), {"learning": "Intrusion"})
    assert response.status_code == 404
    reflection.refresh_from_db()
    assert "learning" not in reflection.answer_map


def test_staff_cannot_open_the_toolkit(client, staff, reflection):
    client.force_login(staff)
    assert (
        client.get(reverse("reflection:reflection_detail", args=[reflection.pk])).status_code == 403
    )
    assert client.get(reverse("reflection:toolkit")).status_code == 403


def test_a_mentor_without_the_current_pledge_is_asked_for_it(client, tools):
    late = make_user("late@example.org", Role.MENTOR, pledge=False)
    client.force_login(late)
    response = client.get(reverse("reflection:toolkit"))
    assert response["Location"].startswith(reverse("frameworks:pledge"))


def test_without_tool_data_the_start_page_says_so(client, mentor):
    client.force_login(mentor)
    response = client.get(reverse("reflection:reflection_create"))
    assert response.status_code == 200
    assert "This tool is not available yet" in response.content.decode()
    assert client.post(reverse("reflection:reflection_create"), {"title": "x"}).status_code == 200
    assert not Reflection.objects.exists()


def test_two_tabs_saving_two_steps_keep_both(mentor, reflection):
    stale = Reflection.objects.get(pk=reflection.pk)
    services.reflection_save_step(reflection=reflection, step=7, values={"learning": "A"})
    services.reflection_save_step(reflection=stale, step=9, values={"actions": "B"})
    reflection.refresh_from_db()
    assert reflection.answer_map["learning"] == "A" and reflection.answer_map["actions"] == "B"
