"""Each of the four reflective tools as a blank template to print and fill in on paper.

The four are the seeds' (000): the Reflective Conversation Framework, the Ethics Lens Worksheet,
the Session Log Template and the Self-Care and Burnout Checklist. Each template is generated
from the versioned content in force, so a new version of a tool prints its new wording, and the
footer cites the version it was made from:

- the Reflective Conversation Framework and the Self-Care Checklist from their `ToolVersion`
  (prompts, statements, scale labels);
- the Ethics Lens Worksheet from the Code of Ethics in force (its principle groups to tick,
  clauses cited by reference) and the worksheet's own prompts;
- the Session Log Template from the log's own fields, the Core Competencies in force (to tick)
  and the Code (clauses touched).

Text comes in the language asked for where it has a translation: our labels through the
catalogues, a tool's data through the translations beside its version (`lib.translations`),
the Code's and the Competencies' names through their official translation where the body has
published one; else English. In Arabic the sheet runs right to left (`lib.pdf`): paragraphs
flush right and in drawing order, tables' first column and tick boxes at the right, the footer
mirrored. No one's records are read. A PDF is cached per tool, version(s), translations and
language.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from practicum.frameworks.models import EthicsClause, FrameworkVersion
from practicum.lib.pdf import (
    PdfFont,
    fitting_size,
    header_style,
    pdf_canvas,
    pdf_columns,
    pdf_font,
    pdf_paragraph,
    pdf_plain,
    pdf_rtl,
    pdf_text,
    pdf_visual,
)
from practicum.lib.translations import localized, localized_content
from practicum.lib.versioned import VersionedDocument
from practicum.practice.models import SessionFormat, SupervisionSession
from practicum.reflection.models import EthicsWorksheet, ToolVersion

REFLECTIVE_CONVERSATION = "reflective-conversation"
ETHICS_LENS = "ethics-lens"
SESSION_LOG = "session-log"
SELF_CARE = "self-care"

TEMPLATE_TOOLS: tuple[tuple[str, str], ...] = (
    (REFLECTIVE_CONVERSATION, gettext_lazy("Reflective Conversation Framework")),
    (ETHICS_LENS, gettext_lazy("Ethics Lens Worksheet")),
    (SESSION_LOG, gettext_lazy("Session Log Template")),
    (SELF_CARE, gettext_lazy("Self-Care and Burnout Checklist")),
)
TEMPLATE_SLUGS = frozenset(slug for slug, _label in TEMPLATE_TOOLS)

# What each template is made from: the versioned documents in force.
SOURCES: Mapping[str, tuple[tuple[type[VersionedDocument], str], ...]] = {
    REFLECTIVE_CONVERSATION: ((ToolVersion, ToolVersion.Kind.REFLECTIVE_CONVERSATION),),
    ETHICS_LENS: ((FrameworkVersion, FrameworkVersion.Kind.CODE_OF_ETHICS),),
    SESSION_LOG: (
        (FrameworkVersion, FrameworkVersion.Kind.COMPETENCIES),
        (FrameworkVersion, FrameworkVersion.Kind.CODE_OF_ETHICS),
    ),
    SELF_CARE: ((ToolVersion, ToolVersion.Kind.SELF_CARE),),
}

LINE_GAP = 0.72 * cm  # college-ruled: room to write by hand
BOX = 9  # points: a tick box's side
_CACHE: dict[tuple, bytes] = {}
_CACHE_SIZE = 64


class TemplateNotLoaded(LookupError):
    """A tool's versioned content is not loaded (load_reflection_tools / load_frameworks)."""


def template_label(tool_slug: str) -> str:
    for slug, label in TEMPLATE_TOOLS:
        if slug == tool_slug:
            return str(label)
    raise ValueError(f"unknown reflective tool {tool_slug!r}")


def template_language(language: str | None) -> str:
    """`language` if the platform speaks it, else English."""
    code = (language or "").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else "en"


def template_sources(tool_slug: str) -> list[VersionedDocument]:
    """The versions in force the template of `tool_slug` is made from (ValueError: unknown
    tool; TemplateNotLoaded: one is missing)."""
    if tool_slug not in TEMPLATE_SLUGS:
        raise ValueError(f"unknown reflective tool {tool_slug!r}")
    documents = []
    for model, kind in SOURCES[tool_slug]:
        document = model.objects.current(kind)
        if document is None:
            raise TemplateNotLoaded(f"no {kind} in force")
        documents.append(document)
    return documents


def tool_template_pdf(tool_slug: str, language: str) -> bytes:
    """A blank, printable template of one of the four tools (TEMPLATE_TOOLS) from the content in
    force, in `language` where it is translated, else English."""
    sources = template_sources(tool_slug)
    language = template_language(language)
    key = (
        tool_slug,
        language,
        *((d.kind, d.version, d.content_hash, d.translations_digest) for d in sources),
    )
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    with translation.override(language):
        content = BUILDERS[tool_slug](_Sheet(), *sources, language=language)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = content
    return content


def template_cache_clear() -> None:
    _CACHE.clear()


# --- Translated content ---------------------------------------------------------------------


def localised_content(document: VersionedDocument, language: str) -> tuple[str, dict]:
    """The document's title and content in `language` where its translations say them."""
    return localized(document, "title", language), localized_content(document, language)


# --- Drawing --------------------------------------------------------------------------------


class WriteIn(Flowable):
    """Ruled lines to write on."""

    def __init__(self, lines: int = 3):
        super().__init__()
        self.lines = lines

    def wrap(self, available_width, available_height):
        self.width = available_width
        # a little room below the last line, before the next label
        return available_width, self.lines * LINE_GAP + 0.35 * cm

    def draw(self):
        self.canv.setStrokeColor(colors.grey)
        self.canv.setLineWidth(0.4)
        for n in range(1, self.lines + 1):
            y = self.lines * LINE_GAP + 0.35 * cm - n * LINE_GAP
            self.canv.line(0, y, self.width, y)


class TickBox(Flowable):
    """An empty square to tick."""

    def __init__(self, centred: bool = False):
        super().__init__()
        self.centred = centred

    def wrap(self, available_width, available_height):
        self.width = available_width if self.centred else BOX
        return self.width, BOX + 2

    def draw(self):
        x = (self.width - BOX) / 2 if self.centred else 0
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.7)
        self.canv.rect(x, 1, BOX, BOX, stroke=1, fill=0)


@dataclass(frozen=True)
class _Footer:
    text: str
    font: PdfFont

    def __call__(self, canvas, doc) -> None:
        canvas.saveState()
        text = pdf_plain(pdf_visual(self.text), self.font)
        room = doc.pagesize[0] - doc.leftMargin - doc.rightMargin - 1 * cm  # the page number's
        canvas.setFont(self.font.regular, fitting_size(text, self.font.regular, 7.5, room, 5))
        # Where lines start (the right, right to left); the page number at the other side.
        if pdf_rtl():
            canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 1 * cm, text)
        else:
            canvas.drawString(doc.leftMargin, 1 * cm, text)
        canvas.setFont(self.font.regular, 7.5)
        number = pdf_plain(str(doc.page), self.font)
        if pdf_rtl():
            canvas.drawString(doc.leftMargin, 1 * cm, number)
        else:
            canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 1 * cm, number)
        canvas.restoreState()


class _Sheet:
    """A printable sheet: headings, prompts, ruled lines, boxes, tick-box grids."""

    # the frame's width: the page less its margins and the frame's own padding
    width = A4[0] - 4 * cm - 12

    def __init__(self):
        self.font = pdf_font()
        self.rtl = pdf_rtl()
        # The padding at the side where a cell's lines start.
        self.start_padding = "RIGHTPADDING" if self.rtl else "LEFTPADDING"
        self.story: list = []
        base = {"fontName": self.font.regular}
        self.styles = {
            "title": ParagraphStyle(
                "title", **base, fontSize=17, leading=21, spaceAfter=6, textColor=colors.black
            ),
            "h2": ParagraphStyle("h2", **base, fontSize=12.5, leading=16, spaceBefore=10),
            "label": ParagraphStyle("label", **base, fontSize=10, leading=13, spaceBefore=4),
            "body": ParagraphStyle("body", **base, fontSize=9.5, leading=12.5, spaceAfter=2),
            "muted": ParagraphStyle(
                "muted", **base, fontSize=8.5, leading=11, textColor=colors.grey, spaceAfter=3
            ),
            "cell": ParagraphStyle("cell", **base, fontSize=9, leading=11.5),
        }
        for name in ("title", "h2", "label"):
            self.styles[name].fontName = self.font.bold

    def para(self, text, style: str = "body") -> Paragraph:
        html = "<br/>".join(pdf_text(line, self.font) for line in str(text or "").splitlines())
        return pdf_paragraph(html or "&nbsp;", self.styles[style], rtl=self.rtl)

    def table(self, rows: list[list], widths: list[float], **kwargs) -> Table:
        """A table whose first column is where lines start (the right, right to left)."""
        rows, widths, side = pdf_columns(rows, widths, rtl=self.rtl)
        return Table(rows, colWidths=widths, hAlign=side, **kwargs)

    def p(self, text, style: str = "body") -> None:
        self.story.append(self.para(text, style))

    def heading(self, text: str, *after) -> None:
        """A heading kept on the page with what follows it (at least its first lines)."""
        self.story.append(CondPageBreak(4 * cm))
        self.story.append(KeepTogether([self.para(text, "h2"), *after]))

    def prompt(self, label: str, lines: int = 3, help_text: str = "") -> None:
        items = [self.para(label, "label")]
        if help_text:
            items.append(self.para(help_text, "muted"))
        items.append(WriteIn(lines))
        self.story.append(KeepTogether(items))

    def fields_row(self, labels: list[str]) -> None:
        """Short facts side by side, each a labelled box."""
        widths = [self.width / len(labels)] * len(labels)
        table = self.table(
            [[self.para(label, "muted") for label in labels], [""] * len(labels)],
            widths,
            rowHeights=[None, 0.9 * cm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.font.regular),
                    ("BOX", (0, 1), (-1, 1), 0.6, colors.black),
                    ("INNERGRID", (0, 1), (-1, 1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    (self.start_padding, (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(table)
        self.space(0.2)

    def ticks(self, options: list[str], columns: int = 1) -> None:
        """Options to tick, in `columns` columns."""
        column_width = self.width / columns
        cells = [[TickBox(), self.para(option, "cell")] for option in options]
        rows = []
        for start in range(0, len(cells), columns):
            row = [part for cell in cells[start : start + columns] for part in cell]
            row += ["", ""] * (columns - len(cells[start : start + columns]))
            rows.append(row)
        widths = [BOX + 8, column_width - BOX - 8] * columns
        table = self.table(rows, widths)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.font.regular),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    (self.start_padding, (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.story.append(table)

    def grid(self, header: list[str], rows: list[list], widths: list[float], height=None):
        """A table with a header row and cells to fill in (or tick boxes)."""
        cell = self.styles["cell"]
        data = [
            [
                pdf_paragraph(pdf_text(h, self.font), header_style(cell, h, w - 12), rtl=self.rtl)
                for h, w in zip(header, widths, strict=True)
            ]
        ]
        data += [[self.para(c, "cell") if isinstance(c, str) else c for c in row] for row in rows]
        table = self.table(data, widths, rowHeights=[None] + [height] * len(rows), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.font.regular),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                    ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                ]
            )
        )
        self.story.append(table)

    def space(self, height: float = 0.3) -> None:
        self.story.append(Spacer(1, height * cm))

    def build(self, *, title: str, versions: str) -> bytes:
        footer = _Footer(
            _("%(title)s · %(versions)s · a blank template from Practicum")
            % {"title": title, "versions": versions},
            self.font,
        )
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=1.5 * cm,
            bottomMargin=1.7 * cm,
            title=title,
            subject=versions,
            author="Practicum",
            lang=translation.get_language(),
        )
        doc.build(
            self.story or [Spacer(1, 1)],
            onFirstPage=footer,
            onLaterPages=footer,
            canvasmaker=partial(pdf_canvas, invariant=1),
        )
        return out.getvalue()


def _version(title: str, version: str) -> str:
    return _("%(document)s, version %(version)s") % {"document": title, "version": version}


def _own_version(version: str) -> str:
    return _("Version %(version)s") % {"version": version}


def _header(sheet: _Sheet, title: str, version_line: str, introduction: str = "") -> None:
    sheet.p(title, "title")
    sheet.p(version_line, "muted")
    if introduction:
        sheet.p(introduction)
    sheet.space(0.2)


# --- The four tools -------------------------------------------------------------------------


def _reflective_conversation(sheet: _Sheet, tool: ToolVersion, *, language: str) -> bytes:
    title, content = localised_content(tool, language)
    versions = _own_version(tool.version)
    # The tool's own introduction speaks of drafts saved on screen: on paper, this instead.
    _header(
        sheet,
        title,
        versions,
        _("One practice dilemma, step by step. Write for yourself: this sheet is yours."),
    )
    sheet.fields_row([_("Date"), _("Engagement or dilemma, in a few words (no names)")])
    for number, step in enumerate(content.get("steps", []), start=1):
        fields = step.get("fields", [])
        sheet.heading(
            f"{number}. {step.get('title', '')}",
            sheet.para(step.get("prompt", "")),
        )
        for field in fields:
            # A single answer's label repeats the step's title: the lines are enough.
            label = field.get("label", "") if len(fields) > 1 else ""
            if label:
                sheet.prompt(label, 3, field.get("help", ""))
            else:
                if field.get("help"):
                    sheet.p(field["help"], "muted")
                sheet.story.append(WriteIn(5))
    return sheet.build(title=title, versions=versions)


def _field_label(model, name: str) -> str:
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _code_groups(code: FrameworkVersion) -> list[str]:
    """The Code's principle groups, named by its official translation where there is one."""
    groups: dict[int, str] = {}
    clauses = EthicsClause.objects.filter(framework=code).order_by("position")
    for clause in clauses.only("group_number", "group_name", "translations"):
        groups.setdefault(clause.group_number, localized(clause, "group_name"))
    return [f"{number}. {name}" for number, name in sorted(groups.items())]


def _ethics_lens(sheet: _Sheet, code: FrameworkVersion, *, language: str) -> bytes:
    title = _("Ethics Lens Worksheet")
    versions = _version(str(code.get_kind_display()), code.version)
    _header(
        sheet,
        title,
        versions,
        _("Weigh a choice against the Code of Ethics, clause by clause."),
    )
    sheet.fields_row([_("Date"), _("A few words to recognise it (no names)")])
    sheet.heading(
        "1. " + _("Dilemma and options"),
        sheet.para(_field_label(EthicsWorksheet, "dilemma"), "label"),
        WriteIn(4),
    )
    sheet.p(_("Options open to you, including doing nothing"), "label")
    options = [_("Option %(n)d") % {"n": n} for n in (1, 2, 3)]
    sheet.grid(
        [_("Option"), _("What it would mean")],
        [[option, ""] for option in options],
        [3 * cm, sheet.width - 3 * cm],
        height=1.3 * cm,
    )
    sheet.heading(
        "2. " + _("Relevant clauses"),
        sheet.para(_("Which parts of the Code are in play?"), "label"),
    )
    sheet.ticks(_code_groups(code), columns=2)
    sheet.space(0.2)
    sheet.grid(
        [_("Clause (for example 1.B.3)"), _("What it asks of you")],
        [["", ""] for _row in range(4)],
        [4 * cm, sheet.width - 4 * cm],
        height=1.2 * cm,
    )
    sheet.heading(
        "3. " + _("Options against each clause"),
        sheet.para(_("How does each option stand against each clause?"), "muted"),
    )
    clause_width = 3 * cm
    sheet.grid(
        [_("Clause"), *options],
        [[""] * 4 for _row in range(4)],
        [clause_width] + [(sheet.width - clause_width) / 3] * 3,
        height=1.8 * cm,
    )
    sheet.heading(
        "4. " + _("Stakeholders and decision"),
        sheet.para(_("How would each choice look from where they stand?"), "muted"),
    )
    for name in (
        "stakeholder_client",
        "stakeholder_sponsor",
        "stakeholder_organisation",
        "stakeholder_society",
    ):
        sheet.prompt(_field_label(EthicsWorksheet, name), 2)
    for name, lines in (("decision", 3), ("reasons", 3), ("to_supervision", 3)):
        sheet.prompt(_field_label(EthicsWorksheet, name), lines)
    return sheet.build(title=title, versions=versions)


def _session_log(
    sheet: _Sheet, competencies: FrameworkVersion, code: FrameworkVersion, *, language: str
) -> bytes:
    title = _("Session Log Template")
    versions = " · ".join(
        _version(str(document.get_kind_display()), document.version)
        for document in (competencies, code)
    )
    # Everything fits one page: a log sheet is photocopied, one per session.
    _header(sheet, title, versions)
    S = SupervisionSession
    sheet.fields_row(
        [
            _("Date"),
            _field_label(S, "starts_at"),
            _field_label(S, "duration_minutes"),
            _("Supervisor"),
        ]
    )
    sheet.p(_field_label(S, "format"), "label")
    sheet.ticks([str(label) for _value, label in SessionFormat.choices], columns=3)
    sheet.prompt(_field_label(S, "focus"), 1)
    sheet.prompt(
        _field_label(S, "cases_brought"), 2, str(S._meta.get_field("cases_brought").help_text)
    )
    for name, lines in (
        ("key_learnings", 3),
        ("actions", 2),
        ("experience", 2),
        ("feedback_to_supervisor", 1),
    ):
        sheet.prompt(_field_label(S, name), lines)
    sheet.p(_field_label(S, "competencies"), "label")
    sheet.ticks(
        [
            f"{c.number}. {localized(c, 'name')}"
            for c in competencies.competencies.order_by("number")
        ],
        columns=2,
    )
    sheet.prompt(_field_label(S, "clauses") + " " + _("(for example 1.B.3)"), 1)
    sheet.fields_row([_("Signed off by the supervisor"), _("Date")])
    return sheet.build(title=title, versions=versions)


def _self_care(sheet: _Sheet, tool: ToolVersion, *, language: str) -> bytes:
    title, content = localised_content(tool, language)
    versions = _own_version(tool.version)
    _header(sheet, title, versions, content.get("introduction", ""))
    sheet.fields_row([_("Date")])
    labels = [str(label) for label in content.get("scale", {}).get("labels", [])]
    statements = content.get("statements", [])
    sheet.p(_("Tick one box per statement."), "muted")
    label_width = 1.9 * cm
    statement_width = sheet.width - label_width * len(labels)
    sheet.grid(
        [_("Statement"), *labels],
        [
            [f"{n}. {s.get('text', '')}", *[TickBox(centred=True) for _label in labels]]
            for n, s in enumerate(statements, start=1)
        ],
        [statement_width] + [label_width] * len(labels),
    )
    sheet.space(0.4)
    sheet.prompt(_("A note for yourself"), 4)
    return sheet.build(title=title, versions=versions)


BUILDERS = {
    REFLECTIVE_CONVERSATION: _reflective_conversation,
    ETHICS_LENS: _ethics_lens,
    SESSION_LOG: _session_log,
    SELF_CARE: _self_care,
}
