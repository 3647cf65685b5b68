"""The mentor's reflective toolkit as files: everything as JSON, a reflection, a worksheet or
everything as a PDF. Sent as attachments, never cached, named without personal data.

Clauses are exported with their identifier and Code version; prompts and statements with the
version of the tool they were answered under, so an export reads the same years later.
"""

import datetime
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from practicum.accounts.models import User
from practicum.lib.pdf import (
    draw_footer_line,
    header_style,
    pdf_canvas,
    pdf_columns,
    pdf_paragraph,
    pdf_plain,
    pdf_rtl,
)
from practicum.lib.translations import localized
from practicum.practice.exports import mentor_zone, pdf_font, pdf_text
from practicum.reflection import scoring
from practicum.reflection.models import (
    CompetencyAssessment,
    DevelopmentGoal,
    EthicsWorksheet,
    GoalEvidence,
    IndicatorRating,
    ReadinessAnswer,
    ReadinessAttempt,
    Reflection,
    ReflectionShare,
    SelfCareCheck,
    SelfCarePreference,
    SessionTag,
    Tag,
    WorksheetClause,
)

JSON_FORMAT_VERSION = 1


def attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Querying everything, in a fixed number of queries ---------------------------------------


def _reflections(mentor: User):
    return (
        Reflection.objects.filter(mentor=mentor)
        .select_related("tool", "session", "engagement")
        .prefetch_related(
            "tags",
            Prefetch("shares", ReflectionShare.objects.select_related("supervisor", "session")),
        )
        .order_by("created_at", "pk")
    )


def _worksheets(mentor: User):
    return (
        EthicsWorksheet.objects.filter(mentor=mentor)
        .select_related("reflection", "engagement")
        .prefetch_related(
            Prefetch("cited_clauses", WorksheetClause.objects.select_related("clause__framework"))
        )
        .order_by("created_at", "pk")
    )


def _readiness(mentor: User):
    return (
        ReadinessAttempt.objects.filter(mentor=mentor)
        .select_related("framework")
        .prefetch_related(Prefetch("answers", ReadinessAnswer.objects.select_related("statement")))
        .order_by("created_at", "pk")
    )


def _competency(mentor: User):
    return (
        CompetencyAssessment.objects.filter(mentor=mentor)
        .select_related("framework", "tool")
        .prefetch_related(
            Prefetch(
                "ratings",
                IndicatorRating.objects.select_related("indicator__competency").order_by(
                    "indicator__competency__number", "indicator__number"
                ),
            )
        )
        .order_by("created_at", "pk")
    )


def _goals(mentor: User):
    return (
        DevelopmentGoal.objects.filter(mentor=mentor)
        .prefetch_related(
            "competencies",
            Prefetch(
                "evidence",
                GoalEvidence.objects.select_related(
                    "session__relationship__supervisor",
                    "session__facilitator",
                    "cpd_entry",
                    "reflection",
                ),
            ),
        )
        .order_by("created_at", "pk")
    )


# --- JSON ---------------------------------------------------------------------------------


def _steps(reflection: Reflection) -> list[dict]:
    answers = reflection.answer_map
    return [
        {
            "key": step["key"],
            "title": step["title"],
            "answers": [
                {"key": f["key"], "label": f["label"], "text": answers.get(f["key"], "")}
                for f in step["fields"]
            ],
        }
        for step in reflection.tool.steps
    ]


def _reflection(r: Reflection) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "framework": {"title": r.tool.title, "version": r.tool.version},
        "steps": _steps(r),
        "status": "draft" if r.is_draft else "complete",
        "completed_at": r.completed_at,
        "engagement_id": r.engagement_id,
        "supervision_session": {"id": r.session_id, "starts_at": r.session.starts_at}
        if r.session_id
        else None,
        "themes": sorted(t.name for t in r.tags.all()),
        "shares": [
            {
                "supervisor": s.supervisor.get_full_name(),
                "session_starts_at": s.session.starts_at,
                "steps": s.steps,
                "include_worksheet": s.include_worksheet,
                "shared_at": s.shared_at,
                "withdrawn_at": s.withdrawn_at,
            }
            for s in r.shares.all()
        ],
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _worksheet(w: EthicsWorksheet) -> dict:
    options = w.option_list
    return {
        "id": w.pk,
        "title": w.title,
        "reflection_id": w.reflection_id,
        "engagement_id": w.engagement_id,
        "dilemma": w.dilemma,
        "options": options,
        "clauses": [
            {
                "identifier": c.clause.identifier,
                "code_version": c.clause.framework.version,
                "text": c.clause.text,
                "source": c.source,
                "options": [
                    {"option": option, "analysis": c.analysis_map.get(str(i), "")}
                    for i, option in enumerate(options)
                ],
            }
            for c in w.cited_clauses.all()
        ],
        "stakeholders": {
            "client": w.stakeholder_client,
            "sponsor": w.stakeholder_sponsor,
            "organisation": w.stakeholder_organisation,
            "society": w.stakeholder_society,
        },
        "decision": w.decision,
        "reasons": w.reasons,
        "to_supervision": w.to_supervision,
        "created_at": w.created_at,
        "updated_at": w.updated_at,
    }


def _band_label(bands: list, total: int) -> str:
    band = scoring.band_for(bands, total)
    return band["label"] if band else ""


def _readiness_attempt(a: ReadinessAttempt) -> dict:
    return {
        "id": a.pk,
        "questionnaire_version": a.framework.version,
        "total": a.total,
        "band": _band_label(a.framework.local.get("bands", []), a.total),
        "scores": [
            {
                "code": x.statement.code,
                "statement": localized(x.statement, "text"),
                "score": x.score,
            }
            for x in a.answers.all()
        ],
        "created_at": a.created_at,
    }


def _selfcare(c: SelfCareCheck) -> dict:
    return {
        "id": c.pk,
        "checklist_version": c.tool.version,
        "score": c.score,
        "band": _band_label(c.tool.local.get("bands", []), c.score),
        "answers": [
            {"code": s["code"], "statement": s["text"], "value": c.answers.get(s["code"])}
            for s in c.tool.local.get("statements", [])
        ],
        "note": c.note,
        "created_at": c.created_at,
    }


def _assessment(a: CompetencyAssessment) -> dict:
    ratings = list(a.ratings.all())
    scores = scoring.competency_scores((r.indicator.competency.number, r.score) for r in ratings)
    return {
        "id": a.pk,
        "competencies_version": a.framework.version,
        "scale_version": a.tool.version,
        "competency_scores": {str(k): v for k, v in scores.items()},
        "overall": scoring.overall_score(scores),
        "ratings": [{"indicator": r.indicator.identifier, "score": r.score} for r in ratings],
        "note": a.note,
        "created_at": a.created_at,
    }


def _evidence_label(e: GoalEvidence) -> str:
    if e.session_id:
        return f"{e.session.starts_at:%Y-%m-%d} {e.session.supervisor_name}"
    if e.cpd_entry_id:
        return f"{e.cpd_entry.occurred_on:%Y-%m-%d} {e.cpd_entry.title}"
    return f"{e.reflection.created_at:%Y-%m-%d} {e.reflection.title}"


def _goal(g: DevelopmentGoal) -> dict:
    return {
        "id": g.pk,
        "title": g.title,
        "competencies": [
            {"number": c.number, "name": c.name}
            for c in sorted(g.competencies.all(), key=lambda c: c.number)
        ],
        "specific": g.specific,
        "measurable": g.measurable,
        "achievable": g.achievable,
        "relevant": g.relevant,
        "due_on": g.due_on,
        "progress": g.progress,
        "status": g.status,
        "evidence": [
            {"kind": e.kind, "record": _evidence_label(e), "note": e.note, "added_at": e.added_at}
            for e in g.evidence.all()
        ],
        "created_at": g.created_at,
    }


def all_data(mentor: User) -> dict:
    preference = SelfCarePreference.objects.filter(mentor=mentor).first()
    session_tags: dict[int, list[str]] = {}
    for st in SessionTag.objects.filter(tag__mentor=mentor).select_related("tag", "session"):
        session_tags.setdefault(st.session_id, []).append(st.tag.name)
    return {
        "format": "practicum-reflective-toolkit",
        "format_version": JSON_FORMAT_VERSION,
        "generated_at": timezone.now(),
        "mentor": mentor.email,
        "reflections": [_reflection(r) for r in _reflections(mentor)],
        "ethics_worksheets": [_worksheet(w) for w in _worksheets(mentor)],
        "readiness_attempts": [_readiness_attempt(a) for a in _readiness(mentor)],
        "selfcare_checks": [
            _selfcare(c)
            for c in SelfCareCheck.objects.filter(mentor=mentor)
            .select_related("tool")
            .order_by("created_at", "pk")
        ],
        "selfcare_monthly_reminder": bool(preference and preference.monthly_reminder),
        "competency_assessments": [_assessment(a) for a in _competency(mentor)],
        "development_goals": [_goal(g) for g in _goals(mentor)],
        "themes": sorted(t.name for t in Tag.objects.filter(mentor=mentor)),
        "supervision_session_themes": [
            {"session_id": pk, "themes": sorted(names)}
            for pk, names in sorted(session_tags.items())
        ],
    }


def all_json(mentor: User) -> bytes:
    text = json.dumps(all_data(mentor), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.encode("utf-8", errors="replace")


# --- PDF ------------------------------------------------------------------------------------


class _Pdf:
    """A small document builder over reportlab's platypus, in the project's PDF font."""

    def __init__(self):
        self.font = pdf_font()
        self.story: list = []
        base = {"fontName": self.font.regular}
        self.styles = {
            "title": ParagraphStyle("title", **base, fontSize=17, leading=21, spaceAfter=8),
            "h2": ParagraphStyle(
                "h2", **base, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4
            ),
            "h3": ParagraphStyle(
                "h3", **base, fontSize=11, leading=14, spaceBefore=6, spaceAfter=2
            ),
            "body": ParagraphStyle("body", **base, fontSize=9.5, leading=12.5, spaceAfter=4),
            "muted": ParagraphStyle(
                "muted", **base, fontSize=8.5, leading=11, textColor=colors.grey, spaceAfter=3
            ),
        }
        for name in ("title", "h2", "h3"):
            self.styles[name].fontName = self.font.bold

    def p(self, text, style: str = "body") -> None:
        # Paragraphs keep the writer's line breaks; right to left, each line is a paragraph of
        # its own (lines are put in drawing order one paragraph style at a time).
        lines = [pdf_text(line, self.font) for line in str(text or "").splitlines()]
        if pdf_rtl():
            for line in lines or [""]:
                self.story.append(pdf_paragraph(line or "&nbsp;", self.styles[style]))
            return
        self.story.append(Paragraph("<br/>".join(lines) or "&nbsp;", self.styles[style]))

    def labelled(self, label: str, text: str) -> None:
        if text:
            self.p(label, "h3")
            self.p(text)

    def table(self, rows: list[list], widths: list[float]) -> None:
        cell = self.styles["body"]
        data = [
            [
                # header words are never broken: a header that does not fit is set smaller
                pdf_paragraph(
                    pdf_text(v, self.font), header_style(cell, v, w - 12) if n == 0 else cell
                )
                for v, w in zip(row, widths, strict=True)
            ]
            for n, row in enumerate(rows)
        ]
        data, widths, side = pdf_columns(data, widths)
        table = Table(data, colWidths=widths, repeatRows=1, hAlign=side)
        table.setStyle(
            TableStyle(
                [
                    # the cells' own font (they hold paragraphs): not Helvetica, never embedded
                    ("FONTNAME", (0, 0), (-1, -1), self.font.regular),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        self.story.append(table)

    def space(self, height: float = 0.3) -> None:
        self.story.append(Spacer(1, height * cm))

    def build(self, *, title: str, compress: bool = True) -> bytes:
        footer = pdf_plain(
            _("Practicum · private: written by the mentor for their own reflection · %(date)s")
            % {"date": timezone.localdate().isoformat()},
            self.font,
        )

        def draw_footer(canvas, doc) -> None:
            canvas.saveState()
            canvas.setFont(self.font.regular, 7.5)
            draw_footer_line(canvas, doc, footer, pdf_plain(str(doc.page), self.font))
            canvas.restoreState()

        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=1.8 * cm,
            bottomMargin=2 * cm,
            title=title,
            author="Practicum",
            pageCompression=1 if compress else 0,
        )
        doc.build(
            self.story or [Spacer(1, 1)],
            onFirstPage=draw_footer,
            onLaterPages=draw_footer,
            canvasmaker=pdf_canvas,
        )
        return out.getvalue()


def _when(moment: datetime.datetime | None, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _reflection_section(pdf: _Pdf, reflection: Reflection, zone, heading: str = "title") -> None:
    pdf.p(reflection.title, heading)
    status = _("Draft") if reflection.is_draft else _("Complete")
    pdf.p(
        _("%(framework)s %(version)s · %(status)s · started %(when)s")
        % {
            "framework": reflection.tool.local_title,
            "version": reflection.tool.version,
            "status": status,
            "when": _when(reflection.created_at, zone),
        },
        "muted",
    )
    for number, step in enumerate(_steps(reflection), start=1):
        texts = [a for a in step["answers"] if a["text"]]
        if not texts:
            continue
        pdf.p(f"{number}. {step['title']}", "h2" if heading == "title" else "h3")
        for answer in texts:
            if len(step["answers"]) > 1:
                pdf.p(answer["label"], "muted")
            pdf.p(answer["text"])


def _worksheet_section(pdf: _Pdf, worksheet: EthicsWorksheet, zone, heading: str = "title") -> None:
    pdf.p(worksheet.title, heading)
    pdf.p(
        _("Ethics Lens Worksheet · updated %(when)s") % {"when": _when(worksheet.updated_at, zone)},
        "muted",
    )
    pdf.labelled(_("The choice or dilemma"), worksheet.dilemma)
    options = worksheet.option_list
    if options:
        pdf.p(_("Options"), "h3")
        for i, option in enumerate(options, start=1):
            pdf.p(f"{i}. {option}")
    cited = list(worksheet.cited_clauses.all())
    if cited:
        pdf.p(_("Clauses of the Code of Ethics"), "h3")
        for item in cited:
            pdf.p(
                _("%(id)s (Code of Ethics %(version)s) · %(section)s")
                % {
                    "id": item.clause.identifier,
                    "version": item.clause.framework.version,
                    "section": item.clause.section_title,
                },
                "muted",
            )
            pdf.p(item.clause.text)
            for i, option in enumerate(options):
                text = item.analysis_map.get(str(i))
                if text:
                    pdf.p(
                        _("Option %(n)d (%(option)s): %(text)s")
                        % {"n": i + 1, "option": option, "text": text}
                    )
    for label, text in worksheet.stakeholders:
        pdf.labelled(_("Stakeholders: %(who)s") % {"who": label}, text)
    pdf.labelled(_("My decision"), worksheet.decision)
    pdf.labelled(_("My reasons"), worksheet.reasons)
    pdf.labelled(_("What I will take to supervision"), worksheet.to_supervision)


def reflection_pdf(*, reflection: Reflection, compress: bool = True) -> bytes:
    pdf = _Pdf()
    _reflection_section(pdf, reflection, mentor_zone(reflection.mentor))
    return pdf.build(title=_("Reflection"), compress=compress)


def worksheet_pdf(*, worksheet: EthicsWorksheet, compress: bool = True) -> bytes:
    worksheet = (
        EthicsWorksheet.objects.filter(pk=worksheet.pk)
        .prefetch_related(
            Prefetch("cited_clauses", WorksheetClause.objects.select_related("clause__framework"))
        )
        .get()
    )
    pdf = _Pdf()
    _worksheet_section(pdf, worksheet, mentor_zone(worksheet.mentor))
    return pdf.build(title=_("Ethics Lens Worksheet"), compress=compress)


def all_pdf(*, mentor: User, compress: bool = True) -> bytes:
    """Everything of the toolkit in one document, oldest first within each part."""
    zone = mentor_zone(mentor)
    pdf = _Pdf()
    pdf.p(_("My reflective toolkit"), "title")
    pdf.p(mentor.get_full_name(), "muted")

    reflections = list(_reflections(mentor))
    pdf.p(_("Reflections"), "h2")
    if not reflections:
        pdf.p(_("None yet."), "muted")
    for reflection in reflections:
        _reflection_section(pdf, reflection, zone, heading="h3")
        pdf.space()

    worksheets = list(_worksheets(mentor))
    pdf.p(_("Ethics Lens Worksheets"), "h2")
    if not worksheets:
        pdf.p(_("None yet."), "muted")
    for worksheet in worksheets:
        _worksheet_section(pdf, worksheet, zone, heading="h3")
        pdf.space()

    pdf.p(_("Supervision-readiness self-assessments"), "h2")
    attempts = [_readiness_attempt(a) for a in _readiness(mentor)]
    if attempts:
        pdf.table(
            [[_("Date"), _("Total"), _("Band")]]
            + [[_when(a["created_at"], zone), a["total"], a["band"]] for a in attempts],
            [5 * cm, 2.5 * cm, 8 * cm],
        )
    else:
        pdf.p(_("None yet."), "muted")

    pdf.p(_("Self-care checks"), "h2")
    checks = [
        _selfcare(c)
        for c in SelfCareCheck.objects.filter(mentor=mentor)
        .select_related("tool")
        .order_by("created_at", "pk")
    ]
    if checks:
        pdf.table(
            [[_("Date"), _("Score"), _("Band"), _("Note")]]
            + [[_when(c["created_at"], zone), c["score"], c["band"], c["note"]] for c in checks],
            [3.5 * cm, 1.8 * cm, 3.5 * cm, 8.2 * cm],
        )
    else:
        pdf.p(_("None yet."), "muted")

    pdf.p(_("Competency self-assessments"), "h2")
    assessments = [_assessment(a) for a in _competency(mentor)]
    if assessments:
        numbers = sorted({int(k) for a in assessments for k in a["competency_scores"]})
        pdf.table(
            [[_("Date"), *[str(n) for n in numbers], _("Overall")]]
            + [
                [
                    _when(a["created_at"], zone)[:10],
                    *[a["competency_scores"].get(str(n), "") for n in numbers],
                    a["overall"],
                ]
                for a in assessments
            ],
            [2.6 * cm] + [1.3 * cm] * len(numbers) + [1.7 * cm],
        )
    else:
        pdf.p(_("None yet."), "muted")

    pdf.p(_("Development plan"), "h2")
    goals = [_goal(g) for g in _goals(mentor)]
    if not goals:
        pdf.p(_("None yet."), "muted")
    for goal in goals:
        pdf.p(goal["title"], "h3")
        pdf.p(
            _("Competencies: %(list)s · due %(due)s · %(progress)d%% · %(status)s")
            % {
                "list": ", ".join(f"{c['number']}. {c['name']}" for c in goal["competencies"]),
                "due": goal["due_on"].isoformat(),
                "progress": goal["progress"],
                "status": dict(DevelopmentGoal.Status.choices)[goal["status"]],
            },
            "muted",
        )
        for key, label in (
            ("specific", _("Specific")),
            ("measurable", _("Measurable")),
            ("achievable", _("Achievable")),
            ("relevant", _("Relevant")),
        ):
            pdf.p(f"{label}: {goal[key]}")
        for item in goal["evidence"]:
            pdf.p(
                _("Evidence: %(record)s %(note)s")
                % {"record": item["record"], "note": item["note"]}
            )

    return pdf.build(title=_("My reflective toolkit"), compress=compress)
