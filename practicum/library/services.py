"""The library's rules: the editorial workflow with its versions, studying, and self-study CPD.

Workflow (our choices where the issue is silent):
- draft → review → published → archived. An edit of a resource in review or published sends
  it back to draft: what readers see has always passed review.
- A second pair of eyes: an editor may not publish a resource they submitted for review
  themselves (another editor must).
- A training centre's administrators publish to their own centre's mentors only, straight from
  draft: that content is the centre's own responsibility, reaching only its mentors.
- Publication may be scheduled: a published resource is visible once `publish_at` has come
  (a query, no job).
Every step writes the audit trail inside its transaction.
"""

import datetime
from decimal import ROUND_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.audit.services import audit_record
from practicum.lib.conflict import Conflict
from practicum.library import access
from practicum.library.data import rules
from practicum.library.models import Resource, ResourceTag, ResourceVersion, StudyRecord
from practicum.practice.models import CpdEntry
from practicum.practice.services import cpd_record_self_study

AUDIT_ACTIONS = {
    "library.created": gettext_lazy("Library resource created"),
    "library.edited": gettext_lazy("Library resource edited"),
    "library.submitted": gettext_lazy("Library resource submitted for review"),
    "library.returned": gettext_lazy("Library resource returned to draft"),
    "library.published": gettext_lazy("Library resource published"),
    "library.archived": gettext_lazy("Library resource archived"),
    "library.studied": gettext_lazy("Library resource studied"),
    "library.cpd_added": gettext_lazy("Self-study added to the CPD ledger"),
    "library.studies_erased": gettext_lazy("Library study records deleted"),
}

METADATA_FIELDS = (
    "kind", "access", "title", "summary", "author", "written_on", "minutes", "language",
    "url", "template_tool",
)  # fmt: skip


def _metadata(resource: Resource, themes, formats) -> dict:
    data = {name: getattr(resource, name) for name in METADATA_FIELDS}
    data["written_on"] = resource.written_on.isoformat()
    data["centre"] = resource.centre_id
    data["competencies"] = sorted(c.pk for c in resource.competencies.all())
    data["clauses"] = sorted(c.pk for c in resource.clauses.all())
    data["themes"], data["formats"] = sorted(themes), sorted(formats)
    return data


def _apply(resource: Resource, content: dict) -> tuple[list[str], list[str]]:
    """Set the fields from a validated form's `content`; files only when a new one came."""
    for name in METADATA_FIELDS:
        if name in content:
            setattr(resource, name, content[name])
    resource.body = content.get("body", "") if resource.kind == Resource.Kind.ARTICLE else ""
    if content.get("file"):
        resource.file = content["file"]
        resource.file_kind = content["file_kind"]
    if content.get("captions"):
        resource.captions = content["captions"]
    if resource.kind not in (Resource.Kind.BRIEFING, Resource.Kind.VIDEO):
        resource.file, resource.file_kind = "", ""
    if resource.kind != Resource.Kind.VIDEO:
        resource.captions = ""
    return list(content.get("themes", [])), list(content.get("formats", []))


def _check_complete(resource: Resource) -> None:
    missing = {
        Resource.Kind.ARTICLE: not resource.body.strip(),
        Resource.Kind.BRIEFING: not resource.file,
        Resource.Kind.VIDEO: not resource.file or not resource.captions,
        Resource.Kind.TEMPLATE: not resource.template_tool,
        Resource.Kind.LINK: not resource.url,
    }[resource.kind]
    if missing:
        raise ValidationError(
            {
                Resource.Kind.ARTICLE: _("An article needs its text."),
                Resource.Kind.BRIEFING: _("A briefing paper needs its PDF."),
                Resource.Kind.VIDEO: _("A video needs its file and its captions (WebVTT)."),
                Resource.Kind.TEMPLATE: _("A template needs the reflective tool it prints."),
                Resource.Kind.LINK: _("An external link needs its address."),
            }[resource.kind]
        )


def _save_version(resource: Resource, by: User, themes, formats) -> ResourceVersion:
    number = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ResourceVersion.objects.create(
        resource=resource,
        number=number + 1,
        metadata=_metadata(resource, themes, formats),
        body=resource.body,
        file=resource.file.name if resource.file else "",
        file_kind=resource.file_kind,
        captions=resource.captions.name if resource.captions else "",
        created_by=by,
    )


def _set_tags(resource: Resource, content: dict, themes, formats) -> None:
    resource.competencies.set(content.get("competencies", []))
    resource.clauses.set(content.get("clauses", []))
    resource.tags.all().delete()
    ResourceTag.objects.bulk_create(
        [ResourceTag(resource=resource, vocabulary="theme", slug=s) for s in themes]
        + [ResourceTag(resource=resource, vocabulary="format", slug=s) for s in formats]
    )


def _may_manage_or_refuse(user: User, resource: Resource) -> None:
    if not access.may_manage(user, resource):
        raise ValidationError(_("You may not manage this resource."))


@transaction.atomic
def resource_create(*, by: User, content: dict, centre=None) -> Resource:
    """A new draft with its first version. `centre` set: a centre's resource for its mentors."""
    resource = Resource(created_by=by, kind=content["kind"])
    if centre is not None:
        resource.centre = centre
        content = {**content, "access": Resource.Access.CENTRE}
    elif content.get("access") == Resource.Access.CENTRE:
        raise ValidationError(_("Only a training centre's administrators publish to its mentors."))
    themes, formats = _apply(resource, content)
    _check_complete(resource)
    _may_manage_or_refuse(by, resource)
    resource.save()
    _set_tags(resource, content, themes, formats)
    version = _save_version(resource, by, themes, formats)
    audit_record(actor=by, action="library.created", subject=resource, after=version.metadata)
    return resource


def _locked(resource: Resource) -> Resource:
    return Resource.objects.select_for_update().get(pk=resource.pk)


@transaction.atomic
def resource_edit(*, resource: Resource, by: User, content: dict) -> Resource:
    """Save an edit as a new version. A resource in review or published goes back to draft."""
    resource = _locked(resource)
    _may_manage_or_refuse(by, resource)
    if resource.status == Resource.Status.ARCHIVED:
        raise Conflict(_("An archived resource cannot be edited."))
    if resource.centre_id is not None:
        content = {**content, "access": Resource.Access.CENTRE}
    elif content.get("access") == Resource.Access.CENTRE:
        raise ValidationError(_("Only a training centre's administrators publish to its mentors."))
    before = resource.versions.order_by("-number").first()
    themes, formats = _apply(resource, content)
    _check_complete(resource)
    status_before = resource.status
    resource.status = Resource.Status.DRAFT
    resource.submitted_by = None
    resource.save()
    _set_tags(resource, content, themes, formats)
    version = _save_version(resource, by, themes, formats)
    # Who changed what: only the fields this edit changed (each version keeps the whole).
    old = {**(before.metadata if before else {}), "status": status_before}
    new = {**version.metadata, "status": resource.status}
    changed = [key for key in new if old.get(key) != new[key]]
    if resource.body != (before.body if before else ""):
        changed.append("body")
        old["body"], new["body"] = _("(previous text)"), _("(new text)")
    audit_record(
        actor=by,
        action="library.edited",
        subject=resource,
        before={key: old.get(key) for key in changed},
        after={**{key: new[key] for key in changed}, "version": version.number},
    )
    return resource


@transaction.atomic
def resource_submit(*, resource: Resource, by: User) -> Resource:
    resource = _locked(resource)
    _may_manage_or_refuse(by, resource)
    if resource.status != Resource.Status.DRAFT:
        raise Conflict(_("Only a draft can be submitted for review."))
    resource.status = Resource.Status.REVIEW
    resource.submitted_by = by
    resource.save(update_fields=["status", "submitted_by", "updated_at"])
    audit_record(
        actor=by, action="library.submitted", subject=resource,
        before={"status": "draft"}, after={"status": "review"},
    )  # fmt: skip
    return resource


@transaction.atomic
def resource_return(*, resource: Resource, by: User, reason: str) -> Resource:
    """A reviewer sends a resource back to its author's draft, saying why."""
    resource = _locked(resource)
    _may_manage_or_refuse(by, resource)
    if resource.status != Resource.Status.REVIEW:
        raise Conflict(_("Only a resource in review can be returned."))
    resource.status = Resource.Status.DRAFT
    resource.submitted_by = None
    resource.save(update_fields=["status", "submitted_by", "updated_at"])
    audit_record(
        actor=by, action="library.returned", subject=resource,
        before={"status": "review"}, after={"status": "draft", "reason": reason[:500]},
    )  # fmt: skip
    return resource


def publish_refusal(resource: Resource, user: User) -> str | None:
    """Why `user` may not publish `resource` now, else None (the page shows the button when
    this is None; the service refuses with it)."""
    if not access.may_manage(user, resource):
        return _("You may not manage this resource.")
    if resource.centre_id is not None and not access.is_editor(user):
        if resource.status in (Resource.Status.DRAFT, Resource.Status.REVIEW):
            return None
        return _("Only a draft can be published.")
    if resource.status != Resource.Status.REVIEW:
        return _("Only a resource in review can be published.")
    if resource.submitted_by_id == user.pk:
        return _("Another editor must review and publish what you submitted.")
    return None


@transaction.atomic
def resource_publish(
    *, resource: Resource, by: User, publish_at: datetime.datetime | None = None
) -> Resource:
    resource = _locked(resource)
    refusal = publish_refusal(resource, by)
    if refusal:
        raise Conflict(refusal)
    before = resource.status
    resource.status = Resource.Status.PUBLISHED
    resource.publish_at = publish_at or timezone.now()
    resource.save(update_fields=["status", "publish_at", "updated_at"])
    audit_record(
        actor=by, action="library.published", subject=resource,
        before={"status": before},
        after={"status": "published", "publish_at": resource.publish_at.isoformat()},
    )  # fmt: skip
    return resource


@transaction.atomic
def resource_archive(*, resource: Resource, by: User) -> Resource:
    resource = _locked(resource)
    _may_manage_or_refuse(by, resource)
    if resource.status != Resource.Status.PUBLISHED:
        raise Conflict(_("Only a published resource can be archived."))
    resource.status = Resource.Status.ARCHIVED
    resource.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by, action="library.archived", subject=resource,
        before={"status": "published"}, after={"status": "archived"},
    )  # fmt: skip
    return resource


# --- Studying and self-study CPD -------------------------------------------------------------


def hours_text(hours: Decimal) -> str:
    """10 → "10", 0.50 → "0.5": hours as people write them."""
    return f"{hours.normalize():f}"


def study_hours(resource: Resource) -> Decimal:
    """A resource's self-study hours: its reading or viewing time, rounded up to the quarter
    hour, at least the rules' minimum."""
    quarters = (Decimal(resource.minutes) / Decimal(15)).to_integral_value(rounding=ROUND_UP)
    return max(quarters * Decimal("0.25"), rules().minimum_hours)


@transaction.atomic
def resource_study(*, resource: Resource, mentor: User, reflection: str) -> StudyRecord:
    """The mentor studied `resource` (which they may read): once per resource; a second time
    updates the reflection."""
    if access.read_refusal(resource, mentor) is not None or not resource.is_live:
        raise ValidationError(_("You may not study this resource."))
    reflection = reflection.strip()
    if len(reflection) > rules().reflection_max_chars:
        raise ValidationError(
            _("Keep the reflection under %(n)s characters.") % {"n": rules().reflection_max_chars}
        )
    record, created = StudyRecord.objects.get_or_create(
        mentor=mentor,
        resource=resource,
        defaults={"reflection": reflection, "studied_on": timezone.localdate()},
    )
    if not created:
        record.reflection = reflection
        record.save(update_fields=["reflection"])
    else:
        # The reflection is the mentor's own: the trail says only that they studied it.
        audit_record(actor=mentor, action="library.studied", subject=resource, person=mentor)
    return record


def self_study_hours(mentor: User, year: int) -> Decimal:
    return CpdEntry.objects.filter(
        mentor=mentor, category=CpdEntry.Category.SELF_STUDY, occurred_on__year=year
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def cpd_room(mentor: User, year: int) -> Decimal:
    return max(rules().cpd_cap_per_year - self_study_hours(mentor, year), Decimal(0))


@transaction.atomic
def study_add_to_cpd(*, study: StudyRecord, mentor: User) -> CpdEntry:
    """Add a studied resource to the CPD ledger as self-study: once per resource, within the
    year's cap from the rules (what is left of it, when less than the resource's hours).

    Race-safe: the mentor's row is locked first, so two additions at once are counted one after
    the other against the cap."""
    User.objects.select_for_update().get(pk=mentor.pk)
    study = StudyRecord.objects.select_for_update().select_related("resource").get(pk=study.pk)
    if study.mentor_id != mentor.pk:
        raise ValidationError(_("This is not your study record."))
    if study.cpd_hours is not None:
        raise Conflict(_("This resource is already in your CPD ledger."))
    year = study.studied_on.year
    room = cpd_room(mentor, year)
    if room <= 0:
        raise ValidationError(
            _("You have reached this year's %(cap)s hours of self-study CPD.")
            % {"cap": hours_text(rules().cpd_cap_per_year)}
        )
    hours = min(study_hours(study.resource), room)
    entry = cpd_record_self_study(
        mentor=mentor,
        source=f"library:{study.resource.code}",
        title=study.resource.title,
        occurred_on=study.studied_on,
        hours=hours,
    )
    study.cpd_hours = entry.hours
    study.save(update_fields=["cpd_hours"])
    audit_record(
        actor=mentor, action="library.cpd_added", subject=study.resource, person=mentor,
        after={"hours": str(entry.hours), "year": year, "rules": rules().version},
    )  # fmt: skip
    return entry


def studies_export(mentor: User) -> list[dict]:
    """The mentor's study records for their data export (their reflections included)."""
    return [
        {
            "resource": record.resource.title,
            "resource_code": record.resource.code,
            "studied_on": record.studied_on.isoformat(),
            "reflection": record.reflection,
            "cpd_hours": str(record.cpd_hours) if record.cpd_hours is not None else None,
        }
        for record in StudyRecord.objects.filter(mentor=mentor).select_related("resource")
    ]


@transaction.atomic
def studies_erase(*, mentor: User) -> int:
    """Delete the mentor's study records for good (the CPD lines they made stay in the ledger,
    which the mentor manages there)."""
    count, _detail = StudyRecord.objects.filter(mentor=mentor).delete()
    if count:
        audit_record(
            actor=mentor, action="library.studies_erased", subject=mentor, person=mentor,
            after={"count": count},
        )  # fmt: skip
    return count
