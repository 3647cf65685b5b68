"""The mentor's records as files: a CSV per log, the supervision log as a PDF, everything as JSON.

Plain functions that take the mentor and return bytes (or rows); the views only wrap them in a
response. Each builder reads with a fixed number of queries, whatever the number of rows.
The PDF is what a mentor hands to an accrediting body: facts and sign-offs only, never
reflective text or a mentee's name.
"""

import csv
import datetime
import io
import json
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from practicum.accounts.models import User
from practicum.frameworks.models import Competency, EthicsClause, PledgeAcceptance
from practicum.lib.dates import user_zone
from practicum.lib.pdf import (  # noqa: F401 (re-exported)
    FONT_CANDIDATES,
    PdfFont,
    _cp1252,
    draw_footer_line,
    header_style,
    pdf_canvas,
    pdf_columns,
    pdf_font,
    pdf_paragraph,
    pdf_plain,
    pdf_text,
)
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

LOGS = ("sessions", "engagements", "training", "cpd")
# Logs that a period (?start=&end=) narrows; the others are listed whole.
DATED_LOGS = frozenset({"sessions", "cpd"})
JSON_FORMAT_VERSION = 1


mentor_zone = user_zone  # one home: practicum.lib.dates


def period_bounds(
    start: datetime.date | None, end: datetime.date | None, zone: zoneinfo.ZoneInfo
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Whole days in `zone`, end day included: [start 00:00, the day after end 00:00)."""
    since = datetime.datetime.combine(start, datetime.time(), tzinfo=zone) if start else None
    until = (
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
        if end
        else None
    )
    return since, until


# --- CSV --------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet will show as text: one that starts like a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _local(moment: datetime.datetime | None, zone, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt) if moment else ""


def _session_rows(mentor: User, start, end) -> tuple[list[str], Iterator[list]]:
    zone = mentor_zone(mentor)
    since, until = period_bounds(start, end, zone)
    sessions = SupervisionSession.objects.filter(mentor=mentor).select_related(
        "relationship__supervisor", "facilitator"
    )
    if since:
        sessions = sessions.filter(starts_at__gte=since)
    if until:
        sessions = sessions.filter(starts_at__lt=until)
    header = [
        _("Date"),
        _("Start time"),
        _("Time zone"),
        _("Duration (minutes)"),
        _("Hours"),
        _("Format"),
        _("Supervisor"),
        _("Focus"),
        _("Sign-off status"),
        _("Signed off by"),
        _("Signed off at"),
        _("Key learnings"),
        _("Actions"),
    ]
    rows = (
        [
            _local(s.starts_at, zone, "%Y-%m-%d"),
            _local(s.starts_at, zone, "%H:%M"),
            str(zone),
            s.duration_minutes,
            s.hours,
            s.get_format_display(),
            s.supervisor_name,
            s.focus,
            s.get_status_display(),
            s.signed_off_by_name,
            _local(s.signed_off_at, zone),
            s.key_learnings,
            s.actions,
        ]
        for s in sessions.order_by("starts_at", "pk")
    )
    return header, rows


def _engagement_rows(mentor: User, start, end) -> tuple[list[str], Iterator[list]]:
    engagements = MentoringEngagement.objects.filter(mentor=mentor).annotate(
        verified=Count("references", filter=Q(references__status__in=Reference.VERIFIED))
    )
    header = [
        _("Mentee's name"),
        _("Mentee's email"),
        _("Organisation"),
        _("Internal or external"),
        _("Start date"),
        _("End date"),
        _("Status"),
        _("Hours"),
        _("Confidentiality agreement"),
        _("Verified references"),
    ]
    rows = (
        [
            e.mentee_name,
            e.mentee_email,
            e.organisation,
            e.get_kind_display(),
            e.started_on,
            e.ended_on,
            e.get_status_display(),
            e.hours,
            e.confidentiality_agreement,
            e.verified,
        ]
        for e in engagements.order_by("started_on", "pk")
    )
    return header, rows


def _training_rows(mentor: User, start, end) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Training centre"),
        _("Centre type"),
        _("Programme"),
        _("Hours"),
        _("Mode"),
        _("Start date"),
        _("End date"),
        _("Instructor's name"),
        _("Instructor's email"),
        _("Evidence"),
    ]
    rows = (
        [
            t.centre_name,
            t.get_centre_type_display(),
            t.programme_name,
            t.hours,
            t.get_mode_display(),
            t.started_on,
            t.ended_on,
            t.instructor_name,
            t.instructor_email,
            t.evidence_type.upper() if t.evidence else "",
        ]
        for t in TrainingRecord.objects.filter(mentor=mentor).order_by("ended_on", "pk")
    )
    return header, rows


def _cpd_rows(mentor: User, start, end) -> tuple[list[str], Iterator[list]]:
    entries = CpdEntry.objects.filter(mentor=mentor)
    if start:
        entries = entries.filter(occurred_on__gte=start)
    if end:
        entries = entries.filter(occurred_on__lte=end)
    header = [_("Date"), _("Category"), _("What"), _("Hours"), _("Evidence")]
    rows = (
        [
            c.occurred_on,
            c.get_category_display(),
            c.title,
            c.hours,
            c.evidence_type.upper() if c.evidence else "",
        ]
        for c in entries.order_by("occurred_on", "pk")
    )
    return header, rows


_ROWS: dict[str, Callable] = {
    "sessions": _session_rows,
    "engagements": _engagement_rows,
    "training": _training_rows,
    "cpd": _cpd_rows,
}


def log_csv(
    log: str,
    *,
    mentor: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> str:
    """One log as CSV text (a header row, then a row per record, oldest first).

    `start` and `end` (days in the mentor's zone, both included) narrow the dated logs.
    """
    if log not in _ROWS:
        raise ValueError(f"unknown log {log!r}")
    if log not in DATED_LOGS:
        start = end = None
    header, rows = _ROWS[log](mentor, start, end)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

# The font and safe text come from practicum.lib.pdf (re-exported here for existing imports).


@dataclass
class Totals:
    sessions: int = 0
    minutes: int = 0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


def _sign_off_text(session: SupervisionSession, zone) -> str:
    status = session.get_status_display()
    if session.status == SupervisionSession.Status.PENDING or not session.signed_off_at:
        return status
    return _("%(status)s by %(name)s on %(when)s") % {
        "status": status,
        "name": session.signed_off_by_name or _("the supervisor"),
        "when": _local(session.signed_off_at, zone),
    }


def supervision_log_pdf(
    *,
    mentor: User,
    start: datetime.date,
    end: datetime.date,
    compress: bool = True,
    generated_on: datetime.date | None = None,
) -> bytes:
    """The supervision log of `start`..`end` (days in the mentor's zone, both included), for an
    accrediting body: each session's facts and sign-off, then totals by sign-off status.

    `compress=False` leaves the page streams readable (tests search them for text).
    """
    font = pdf_font()
    zone = mentor_zone(mentor)
    generated_on = generated_on or timezone.localdate()
    since, until = period_bounds(start, end, zone)
    sessions = list(
        SupervisionSession.objects.filter(mentor=mentor)
        .held_between(since, until)
        .select_related("relationship__supervisor", "facilitator")
        .order_by("starts_at", "pk")
    )

    def style(name: str, size: float, *, bold: bool = False, **extra) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font.bold if bold else font.regular,
            fontSize=size,
            leading=size * 1.25,
            **extra,
        )

    title, body, cell, head = (
        style("title", 18, bold=True, spaceAfter=8),
        style("body", 10, spaceAfter=3),
        style("cell", 8.5),
        style("head", 8.5, bold=True),
    )

    def p(text, st=body) -> Paragraph:
        return pdf_paragraph(pdf_text(text, font), st)

    story = [p(_("Supervision log"), title), p(_("Mentor: %s") % mentor.get_full_name())]
    if mentor.membership_number:
        story.append(p(_("Membership number: %s") % mentor.membership_number))
    story += [
        p(
            _("Period: %(start)s to %(end)s (both included)")
            % {"start": start.isoformat(), "end": end.isoformat()}
        ),
        p(_("Times are in %(zone)s.") % {"zone": zone}),
        Spacer(1, 0.4 * cm),
    ]

    status = SupervisionSession.Status
    totals = {value: Totals() for value in status.values}
    widths = [2.3 * cm, 2.6 * cm, 5.5 * cm, 3.2 * cm, 1.8 * cm, 1.6 * cm, 9.6 * cm]
    headers = (
        _("Date"),
        _("Time"),  # its zone is said above the table: a zone name is too long a word here
        _("Supervisor"),
        _("Format"),
        _("Minutes"),
        _("Hours"),
        _("Sign-off"),
    )
    # a cell's text has the column less the table's 6 pt padding on each side
    rows = [[p(t, header_style(head, t, w - 12)) for t, w in zip(headers, widths, strict=True)]]
    for session in sessions:
        totals[session.status].sessions += 1
        totals[session.status].minutes += session.duration_minutes
        rows.append(
            [
                p(_local(session.starts_at, zone, "%Y-%m-%d"), cell),
                p(_local(session.starts_at, zone, "%H:%M"), cell),
                p(session.supervisor_name, cell),
                p(session.get_format_display(), cell),
                p(session.duration_minutes, cell),
                p(session.hours, cell),
                p(_sign_off_text(session, zone), cell),
            ]
        )
    if sessions:
        rows, widths, _side = pdf_columns(rows, widths)
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    # a cell's own font (never drawn: cells hold paragraphs), else Helvetica,
                    # which no PDF of ours embeds, is named on the page
                    ("FONTNAME", (0, 0), (-1, -1), font.regular),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke]),
                ]
            )
        )
        story.append(table)
    else:
        story.append(p(_("No session was held in this period.")))

    story += [Spacer(1, 0.5 * cm), p(_("Totals"), style("h2", 12, bold=True, spaceAfter=4))]
    total_rows = [
        [
            p(t, header_style(head, t, w - 12))
            for t, w in zip(
                (_("Sign-off"), _("Sessions"), _("Hours")), (5 * cm, 3 * cm, 3 * cm), strict=True
            )
        ]
    ]
    for value, label in (
        (status.CONFIRMED, _("Confirmed")),
        (status.PENDING, _("Awaiting sign-off")),
        (status.DISPUTED, _("Disputed")),
    ):
        total_rows.append(
            [p(label, cell), p(totals[value].sessions, cell), p(totals[value].hours, cell)]
        )
    total_rows, total_widths, side = pdf_columns(total_rows, [5 * cm, 3 * cm, 3 * cm])
    totals_table = Table(total_rows, colWidths=total_widths, hAlign=side)
    totals_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font.regular),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ]
        )
    )
    story.append(totals_table)

    footer = pdf_plain(
        _("Generated by Practicum on %(date)s") % {"date": generated_on.isoformat()}, font
    )
    page_label = _("Page %(number)d")

    def draw_footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font.regular, 8)
        draw_footer_line(canvas, doc, footer, pdf_plain(page_label % {"number": doc.page}, font))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=2 * cm,
        title=_("Supervision log"),
        author="Practicum",
        pageCompression=1 if compress else 0,
    )
    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer, canvasmaker=pdf_canvas)
    return out.getvalue()


# --- JSON -------------------------------------------------------------------------------------


def _file_info(field_file, evidence_type: str) -> dict | None:
    if not field_file:
        return None
    return {"name": Path(field_file.name).name, "type": evidence_type}


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "public_id": user.public_id,
        "full_name": user.full_name,
        "country": str(user.country.code) if user.country else "",
        "time_zone": user.time_zone,
        "preferred_language": user.preferred_language,
        "bio": user.bio,
        "photo": Path(user.photo.name).name if user.photo else None,
        "profile_public": user.profile_public,
        "membership_status": user.membership_status,
        "membership_number": user.membership_number,
        "membership_valid_until": user.membership_valid_until,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _relationship(r: SupervisionRelationship) -> dict:
    return {
        "id": r.pk,
        "supervisor_name": r.supervisor_name,
        "supervisor_email": r.supervisor_email,
        "supervisor_on_platform": not r.is_external,
        "supervisor_address": r.external_address,
        "focus_area": r.focus_area,
        "started_on": r.started_on,
        "ended_on": r.ended_on,
        "ended_by": r.ended_by.get_full_name() if r.ended_by else None,
        "frequency": r.frequency,
        "contract": {
            "fees": r.contract_fees,
            "logistics": r.contract_logistics,
            "confidentiality_scope": r.confidentiality_scope,
            "confidentiality_limits": r.confidentiality_limits,
        },
        "created_at": r.created_at,
    }


def _session(s: SupervisionSession) -> dict:
    return {
        "id": s.pk,
        "relationship_id": s.relationship_id,
        "supervisor": s.supervisor_name,
        "source": s.source,
        "starts_at": s.starts_at,
        "duration_minutes": s.duration_minutes,
        "hours": s.hours,
        "format": s.format,
        "focus": s.focus,
        "cases_brought": s.cases_brought,
        "key_learnings": s.key_learnings,
        "actions": s.actions,
        "experience": s.experience,
        "feedback_to_supervisor": s.feedback_to_supervisor,
        "competencies": [
            {"number": c.number, "name": c.name, "framework_version": c.framework.version}
            for c in s.competencies.all()
        ],
        "clauses": [
            {"identifier": c.identifier, "code_version": c.framework.version}
            for c in s.clauses.all()
        ],
        "sign_off": {
            "status": s.status,
            "signed_off_by": s.signed_off_by_name,
            "signed_off_at": s.signed_off_at,
            "dispute_reason": s.dispute_reason,
        },
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _reference(r: Reference) -> dict:
    return {
        "status": r.status,
        "relation": r.relation,
        "referee_name": r.referee_name,
        "referee_email": r.referee_email,
        "sent_at": r.sent_at,
        "expires_at": r.expires_at,
        "responded_at": r.responded_at,
        "comment": r.referee_comment,
        "corrected_started_on": r.corrected_started_on,
        "corrected_ended_on": r.corrected_ended_on,
        "created_at": r.created_at,
    }


def _engagement(e: MentoringEngagement) -> dict:
    return {
        "id": e.pk,
        "mentee_name": e.mentee_name,
        "mentee_email": e.mentee_email,
        "organisation": e.organisation,
        "kind": e.kind,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
        "status": e.status,
        "hours": e.hours,
        "confidentiality_agreement": e.confidentiality_agreement,
        "private_notes": e.private_notes,
        "references": [_reference(r) for r in e.references.all()],
        "created_at": e.created_at,
    }


def _training(t: TrainingRecord) -> dict:
    return {
        "id": t.pk,
        "centre_name": t.centre_name,
        "centre_type": t.centre_type,
        "programme_name": t.programme_name,
        "hours": t.hours,
        "mode": t.mode,
        "started_on": t.started_on,
        "ended_on": t.ended_on,
        "instructor_name": t.instructor_name,
        "instructor_email": t.instructor_email,
        "evidence": _file_info(t.evidence, t.evidence_type),
        "created_at": t.created_at,
    }


def _cpd(c: CpdEntry) -> dict:
    return {
        "id": c.pk,
        "category": c.category,
        "title": c.title,
        "occurred_on": c.occurred_on,
        "hours": c.hours,
        "evidence": _file_info(c.evidence, c.evidence_type),
        "source": c.source,
        "created_at": c.created_at,
    }


def _all(items: Iterable, convert: Callable) -> list[dict]:
    return [convert(item) for item in items]


def all_data(mentor: User) -> dict:
    """Everything the platform holds about `mentor` as theirs, in plain JSON types' shapes
    (dates and times are left as Python objects; `all_json` writes them as ISO 8601)."""
    sessions = (
        SupervisionSession.objects.filter(mentor=mentor)
        .order_by("starts_at", "pk")
        .select_related("relationship__supervisor", "facilitator")
        .prefetch_related(
            Prefetch("competencies", Competency.objects.select_related("framework")),
            Prefetch("clauses", EthicsClause.objects.select_related("framework")),
        )
    )
    return {
        "format": "practicum-export",
        "format_version": JSON_FORMAT_VERSION,
        "generated_at": timezone.now(),
        "profile": _profile(mentor),
        "roles": [
            {"role": role, "granted_at": granted_at}
            for role, granted_at in mentor.role_grants.order_by("granted_at").values_list(
                "role", "granted_at"
            )
        ],
        "pledge_acceptances": [
            {
                "framework": a.framework.title,
                "kind": a.framework.kind,
                "version": a.framework.version,
                "accepted_at": a.accepted_at,
            }
            for a in PledgeAcceptance.objects.filter(user=mentor)
            .select_related("framework")
            .order_by("accepted_at")
        ],
        "supervision_relationships": _all(
            SupervisionRelationship.objects.filter(mentor=mentor)
            .select_related("supervisor", "ended_by")
            .order_by("started_on", "pk"),
            _relationship,
        ),
        "supervision_sessions": _all(sessions, _session),
        "engagements": _all(
            MentoringEngagement.objects.filter(mentor=mentor)
            .order_by("started_on", "pk")
            .prefetch_related(Prefetch("references", Reference.objects.order_by("created_at"))),
            _engagement,
        ),
        "training_records": _all(
            TrainingRecord.objects.filter(mentor=mentor).order_by("ended_on", "pk"), _training
        ),
        "cpd_entries": _all(
            CpdEntry.objects.filter(mentor=mentor).order_by("occurred_on", "pk"), _cpd
        ),
    }


def all_json(mentor: User) -> bytes:
    """`all_data` as UTF-8 JSON: valid whatever the text holds (quotes, emoji, newlines)."""
    text = json.dumps(all_data(mentor), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    # A lone surrogate cannot be UTF-8; "?" keeps the file valid rather than failing the export.
    return text.encode("utf-8", errors="replace")
