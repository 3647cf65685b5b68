"""The whole path in a browser: a member of the public raises a concern, staff review and
investigate, the professional answers, the panel decides a 3-month suspension, the public
verification page and the status list say Suspended and the professional's sessions have
ended, an appeal overturns it and everything is restored. With PRACTICUM_SCREENSHOTS=1,
screenshots at 1280 and 390 px, English and Spanish, land in /tmp/shots-ethics/ (ETHICS_SHOTS)."""

import datetime
import os
from pathlib import Path

import pytest

from conftest import make_user
from practicum.accounts.models import Role, User
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import Credential, body_today
from practicum.credentials.tests import builders
from practicum.credentials.tests.test_browser import sign_in, sign_in_with_totp
from practicum.ethics.loader import rules_load_all
from practicum.ethics.models import Case
from practicum.ethics.tests.conftest import vote_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("ETHICS_SHOTS", "/tmp/shots-ethics"))


def accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA or best-practice violation on the page."""
    from practicum.accounts.tests.page_checks import axe_violations

    violations = axe_violations(page)
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]


def shoot(page, name: str) -> None:
    from practicum.accounts.tests.page_checks import SCREENSHOTS

    if SCREENSHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # The page goes on at the size the screenshots leave it, taken or not (axe runs on it next).
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def contexts(browser, live_server):
    made, errors = [], []

    def new(locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return page

    yield new
    for context in made:
        context.close()
    assert not errors, errors


def test_concern_to_suspension_to_overturned_appeal(page, contexts, frameworks):
    rule_set_load_all()
    rules_load_all()
    pro = make_user(
        "pat@example.org",
        Role.MENTOR,
        Role.SUPERVISOR,
        full_name="Pat Professional",
        membership_status="member",
        membership_number="IMC-0042",
        membership_valid_until=body_today() + datetime.timedelta(days=300),
    )
    credential = builders.credential(pro, "CMM", body_today() - datetime.timedelta(days=100))
    team = [
        make_user(f"{n}@example.org", Role.ETHICS_STAFF, full_name=n.title(), mfa=True)
        for n in ("owen", "ivy", "pia", "pablo", "penny", "ava", "abe", "ali")
    ]

    # 1. A member of the public raises a concern (no account).
    page.goto("/")
    page.get_by_role("link", name="Raise an ethics concern").click()
    page.get_by_role("heading", name="Raise an ethics concern").wait_for()
    page.get_by_label("Your name").fill("Carla Client")
    page.get_by_label("Your email address").fill("carla@example.net")
    page.get_by_label("Your relation to the professional").select_option("client")
    page.locator("#id_professional_query").fill("IMC-0042")
    page.get_by_label("What happened").fill(
        "My mentor told my manager what I had said in confidence about my health."
    )
    page.get_by_label("When it happened (or began)").fill(
        (body_today() - datetime.timedelta(days=15)).isoformat()
    )
    page.get_by_label("I confirm that what I say is true", exact=False).check()
    shoot(page, "public-form-en")
    accessible(page)
    page.wait_for_timeout(3200)  # the time check refuses forms sent faster than a person can
    page.get_by_role("button", name="Send the concern").click()
    page.get_by_role("heading", name="Concern received").wait_for()
    case = Case.objects.get()
    assert case.professional == pro

    # 2. Staff review and open an investigation.
    staff = contexts()
    sign_in_with_totp(staff, "owen@example.org")
    staff.goto("/ethics/staff/")
    staff.get_by_role("link", name=case.reference).click()
    staff.get_by_role("button", name="Take this case").click()
    staff.get_by_text("Within jurisdiction and within time.").wait_for()
    staff.get_by_label("Ivy").check()
    staff.get_by_role("button", name="Open the investigation").click()
    staff.get_by_text("Not answered yet.").wait_for()

    # 3. The professional answers in their account.
    professional = contexts()
    sign_in(professional, "pat@example.org")
    professional.goto("/ethics/mine/")
    professional.get_by_role("link", name=case.reference).click()
    professional.get_by_text("asked not to be named").wait_for()
    professional.get_by_role("textbox", name="Your answer").fill(
        "I never spoke to the manager about health."
    )
    professional.get_by_role("button", name="Send my answer").click()
    professional.get_by_text("Your answer is on the case.").wait_for()
    shoot(professional, "professional-case-en")
    accessible(professional)

    # 4. A panel of three who did not investigate decides a 3-month suspension.
    staff.reload()
    staff.get_by_text("Answered on").wait_for()
    for name in ("Pia", "Pablo", "Penny"):
        staff.locator("form", has=staff.get_by_role("button", name="Form the panel")).get_by_label(
            name
        ).check()
    staff.get_by_role("button", name="Form the panel").click()
    case.refresh_from_db()
    assert case.stage == Case.Stage.PANEL
    suspension = case.framework.sanctions.get(position=4)
    vote_all(case, team[2:5], "uphold", suspension)
    staff.reload()
    decide = staff.locator("form", has=staff.get_by_role("button", name="Record the decision"))
    decide.locator("select[name=sanction]").select_option(str(suspension.pk))
    ends = body_today() + datetime.timedelta(days=91)
    decide.locator("input[name=ends_on]").fill(ends.isoformat())
    staff.get_by_label("Reasons for the decision").fill("Confidentiality breached (1.B).")
    staff.get_by_role("button", name="Record the decision").click()
    staff.get_by_role("heading", name="Sanctions and their effects").wait_for()
    shoot(staff, "staff-case-en")
    accessible(staff)

    # 5. Public verification and the status list say Suspended; the sessions have ended.
    public = contexts()
    public.goto(f"/credentials/verify/{credential.verification_code}/")
    public.get_by_role("heading", name="Suspended credential").wait_for()
    listing = public.request.get("/credentials/badges/revocations.json").json()
    entry = next(e for e in listing["revokedCredentials"] if str(credential.vc_id) in e["id"])
    assert (
        "Suspended" in entry["revocationReason"] and ends.isoformat() in entry["revocationReason"]
    )
    professional.goto("/ethics/mine/")
    assert "/accounts/login/" in professional.url  # signed out everywhere
    assert not pro.role_grants.filter(role=Role.SUPERVISOR).exists()

    # 6. The professional signs in again and appeals; an appeal panel overturns.
    sign_in(professional, "pat@example.org")
    professional.goto(f"/ethics/mine/cases/{case.pk}/")
    professional.get_by_label("Grounds of your appeal").fill("The manager heard it elsewhere.")
    professional.get_by_role("button", name="File my appeal").click()
    professional.get_by_text("Your appeal is filed.").wait_for()
    staff.reload()
    for name in ("Ava", "Abe", "Ali"):
        staff.locator(
            "form", has=staff.get_by_role("button", name="Form the appeal panel")
        ).get_by_label(name).check()
    staff.get_by_role("button", name="Form the appeal panel").click()
    case.refresh_from_db()
    from practicum.ethics import services

    for member in team[5:8]:
        services.vote_record(case=case, member=member, vote="overturn")
    staff.reload()
    staff.get_by_label("Reasons for the decision").fill("New evidence: the source was another.")
    staff.get_by_role("button", name="Record the appeal decision").click()
    staff.get_by_text("Decision overturned on appeal").first.wait_for()

    # 7. Everything is restored.
    public.goto(f"/credentials/verify/{credential.verification_code}/")
    public.get_by_role("heading", name="Valid credential").wait_for()
    listing = public.request.get("/credentials/badges/revocations.json").json()
    assert not any(str(credential.vc_id) in e["id"] for e in listing["revokedCredentials"])
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE
    assert pro.role_grants.filter(role=Role.SUPERVISOR).exists()
    shoot(staff, "staff-case-closed-en")
    professional.reload()
    shoot(professional, "professional-case-closed-en")

    # 8. The same pages in Spanish.
    User.objects.filter(email__in=["pat@example.org", "owen@example.org"]).update(
        preferred_language="es"
    )
    staff.reload()
    staff.get_by_role("heading", name="Sanciones y sus efectos").wait_for()
    shoot(staff, "staff-case-es")
    professional.reload()
    shoot(professional, "professional-case-es")
    spanish = contexts(locale="es-ES")
    spanish.goto("/ethics/concerns/new/")
    spanish.get_by_role("heading", name="Presentar una queja ética").wait_for()
    shoot(spanish, "public-form-es")
