"""Demo ethics cases for `manage.py load_demo` (idempotent, development only): one case at each
stage, all about Paolo Ferreira (practitioner@demo.practicum.test, a member, password as
the other demo people), handled by Emeka Nwosu and six more ethics staff for the two panels."""

import datetime

from allauth.account.models import EmailAddress

from practicum.accounts import services as account_services
from practicum.accounts.models import Role, User
from practicum.credentials.models import body_today
from practicum.ethics import services
from practicum.ethics.loader import rules_load_all
from practicum.ethics.models import Case
from practicum.frameworks.models import Sanction
from practicum.frameworks.services import current_code, pledge_accept

PASSWORD = "practicum-demo"
STORIES = [
    ("received", "Shared notes from our sessions with my employer without asking me."),
    ("investigation", "Kept charging for sessions after the contract had ended."),
    ("panel", "Promised a promotion outcome the mentor could not deliver."),
    ("decided", "Talked about another client by name during our session."),
    ("appeal", "Did not disclose a business relationship with my sponsor."),
    ("closed", "Ended the mentoring abruptly without any referral."),
]


def _user(email: str, name: str, *roles: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_password(PASSWORD)
        user.save()
    elif user.full_name != name:  # an older demo named people after their role
        user.full_name = name
        user.save(update_fields=["full_name"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    for role in roles:
        account_services.role_grant(user=user, role=role)
    return user


def _professional() -> User:
    paolo = _user("practitioner@demo.practicum.test", "Paolo Ferreira", Role.MENTOR)
    today = body_today()
    paolo.membership_status = User.Membership.MEMBER
    paolo.membership_number = paolo.membership_number or "IMC-M-0777"
    paolo.membership_valid_until = today + datetime.timedelta(days=365)
    paolo.save()
    code = current_code()
    if code is not None:
        pledge_accept(user=paolo, framework=code)
    return paolo


# Panel members and complainants have names, not role names.
PANEL_NAMES = ["Hana Sato", "Oliver Grant", "Fatima Haddad"]
APPEAL_NAMES = ["Kofi Mensah", "Ingrid Larsen", "Rafael Costa"]
COMPLAINANTS = ["Grace Holloway", "Daniel Petrov", "Amira Saleh", "Luis Romero"]


def load(people: dict) -> None:
    rules_load_all()
    emeka = people.get("ethics")
    if emeka is None or Case.objects.exists():
        return
    paolo = _professional()
    panel = [
        _user(f"ethics-panel{n}@demo.practicum.test", PANEL_NAMES[n - 1], Role.ETHICS_STAFF)
        for n in (1, 2, 3)
    ]
    appeal_panel = [
        _user(f"ethics-appeal{n}@demo.practicum.test", APPEAL_NAMES[n - 1], Role.ETHICS_STAFF)
        for n in (1, 2, 3)
    ]
    framework = current_code()
    clauses = list(framework.clauses.all()[:2])
    ladder = {s.position: s for s in Sanction.objects.filter(framework=framework)}
    today = body_today()
    for n, (stage, story) in enumerate(STORIES, start=1):
        case, _token = services.concern_submit(
            complainant_name=COMPLAINANTS[(n - 1) % len(COMPLAINANTS)],
            complainant_email=f"complainant{n}@demo.practicum.test",
            relation="client",
            professional_query=paolo.membership_number,
            professional_description="",
            what_happened=story,
            happened_on=today - datetime.timedelta(days=30 + n),
            clauses=clauses,
            share_identity=n % 2 == 0,
            consent=True,
        )
        if stage == "received":
            continue
        services.case_assign(case=case, owner=emeka, by=emeka)
        services.investigation_open(case=case, by=emeka, investigators=[emeka])
        if stage == "investigation":
            continue
        services.answer_submit(case=case, by=paolo, text="My account of what happened.")
        services.panel_form(case=case, by=emeka, members=panel)
        findings = {c.pk: True for c in clauses}
        voters = panel[:2] if stage == "panel" else panel
        for member in voters:
            services.vote_record(
                case=case, member=member, vote="uphold", findings=findings, sanction=ladder[1]
            )
        if stage == "panel":
            continue
        if stage == "decided":
            services.case_decide(
                case=case, by=emeka, reasons="A breach, a first one.", sanction=ladder[1]
            )
            continue
        services.case_decide(
            case=case,
            by=emeka,
            reasons="A breach that calls for training.",
            sanction=ladder[2],
            terms={
                "due_on": today + datetime.timedelta(days=90),
                "terms": "A 6-hour course on conflicts of interest",
            },
        )
        services.appeal_file(
            case=case, party="professional", grounds="The facts were misread.", by=paolo
        )
        services.panel_form(case=case, by=emeka, members=appeal_panel)
        if stage == "appeal":
            continue
        for member in appeal_panel:
            services.vote_record(case=case, member=member, vote="overturn")
        services.appeal_decide(case=case, by=emeka, reasons="The referral had in fact been made.")
