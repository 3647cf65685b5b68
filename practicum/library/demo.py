"""Demo records for `manage.py load_demo`: a small library in English and Spanish, one resource
of each kind, published through the real workflow (an editor writes and submits, a second
editor publishes), and one resource the demo centre keeps for its own mentors.

Tagged so the demo mentor's recommendations have something to show: her readiness reflection
is lowest on capturing each case in writing, and her next lab is about ethics in action.
Idempotent: once a resource exists, nothing is added.
"""

import datetime
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
from practicum.institutions.models import TrainingCentre
from practicum.lib.pdf import pdf_canvas, pdf_font, pdf_text
from practicum.lib.uploads import validate_captions, validate_pdf, validate_video
from practicum.library import services
from practicum.library.models import Resource
from practicum.reflection.tool_templates import ETHICS_LENS

MEDIA = Path(__file__).parent / "demo_media"

BRIEFING_PARAGRAPHS = [
    "Supervision is where a mentor steps back from single sessions to see what keeps "
    "happening: with one client over months, and across clients who seem to have nothing in "
    "common.",
    "A recurring pattern is rarely named by the mentor first. It shows in what the mentor "
    "brings: the same kind of dilemma, the same feeling of being stuck, the same sponsor "
    "conversation avoided.",
    "Three questions help a supervisor make it visible: What did you notice that you have "
    "noticed before? What do these clients ask of you that others do not? What would you do "
    "differently if this were the first time?",
    "Write the pattern down in your session log in one sentence, and bring it back three "
    "sessions later: a pattern named is a pattern you can work with.",
]


def briefing_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A short real briefing paper: title and paragraphs, in the platform's PDF font."""
    out = io.BytesIO()
    font = pdf_font()
    styles = getSampleStyleSheet()
    for name in ("Title", "BodyText"):
        styles[name].fontName = font.bold if name == "Title" else font.regular
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author="Practicum demo")
    story = [Paragraph(pdf_text(title), styles["Title"]), Spacer(1, 12)]
    for paragraph in paragraphs:
        story += [Paragraph(pdf_text(paragraph), styles["BodyText"]), Spacer(1, 6)]
    doc.build(story, canvasmaker=pdf_canvas)
    return out.getvalue()


def _current(kind):
    return FrameworkVersion.objects.current(kind)


def _competencies(*numbers) -> list[int]:
    framework = _current(FrameworkVersion.Kind.COMPETENCIES)
    return list(
        Competency.objects.filter(framework=framework, number__in=numbers).values_list(
            "pk", flat=True
        )
    )


def _clauses(*identifiers) -> list[int]:
    code = _current(FrameworkVersion.Kind.CODE_OF_ETHICS)
    return list(
        EthicsClause.objects.filter(framework=code, identifier__in=identifiers).values_list(
            "pk", flat=True
        )
    )


def _content(**fields) -> dict:
    base = {
        "access": Resource.Access.PUBLIC,
        "language": "en",
        "body": "",
        "url": "",
        "template_tool": "",
        "competencies": [],
        "clauses": [],
        "themes": [],
        "formats": [],
        "written_on": datetime.date.today() - datetime.timedelta(days=40),
    }
    base.update(fields)
    return base


def _publish(editor, reviewer, content: dict) -> Resource:
    resource = services.resource_create(by=editor, content=content)
    services.resource_submit(resource=resource, by=editor)
    return services.resource_publish(resource=resource, by=reviewer)


def load(people: dict) -> None:
    if Resource.objects.exists():
        return
    editor, reviewer = people["editor"], people["editor2"]

    pdf = SimpleUploadedFile(
        "paper.pdf", briefing_pdf("Spotting recurring patterns in supervision", BRIEFING_PARAGRAPHS)
    )
    validate_pdf(pdf, max_bytes=services.rules().pdf_max_bytes)
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.BRIEFING,
            access=Resource.Access.MEMBERS,
            title="Spotting recurring patterns in supervision",
            summary=(
                "A four-page briefing paper for mentors and supervisors: how recurring patterns "
                "with one client, and between clients, show up in supervision, and three "
                "questions that make them visible."
            ),
            author="IMC Supervision Committee",
            minutes=15,
            file=pdf,
            file_kind="pdf",
            competencies=_competencies(1),
            themes=["reflective-practice"],
            formats=["one-to-one", "group"],
        ),
    )
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.ARTICLE,
            title="Capturing the essence of a case before supervision",
            summary=(
                "How to capture in writing the essence of each case you bring to supervision, "
                "in ten minutes, without a client's name."
            ),
            author="Maren Holt",
            minutes=8,
            body=(
                "## Why write it down\n\nA case written in five lines is a case you have "
                "already begun to think about. The writing is for you, not for the "
                "supervisor.\n\n## Five lines\n\n1. What happened, in one sentence.\n"
                "2. What you felt.\n3. What you did.\n4. What you wish you had done.\n"
                "5. The question you bring.\n\n> Leave the client's name out: an initial and a "
                "context are enough (Code of Ethics, confidentiality).\n"
            ),
            competencies=_competencies(1, 2),
            clauses=_clauses("1.B.1"),
            themes=["reflective-practice"],
            formats=["one-to-one"],
        ),
    )
    video = SimpleUploadedFile("v.webm", (MEDIA / "boundaries-scenario.webm").read_bytes())
    captions = SimpleUploadedFile("c.vtt", (MEDIA / "boundaries-scenario.en.vtt").read_bytes())
    validate_captions(captions, max_bytes=services.rules().captions_max_bytes)
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.VIDEO,
            title="Boundaries in action: the sponsor asks for the notes",
            summary=(
                "A short scenario for a thematic lab or a group: a sponsor asks the mentor for "
                "the session notes. Where is the boundary, and which clauses of the Code guide "
                "the answer?"
            ),
            author="IMC Supervision Committee",
            minutes=4,
            file=video,
            file_kind=validate_video(video, max_bytes=services.rules().video_max_bytes),
            captions=captions,
            clauses=_clauses("1.B.1", "1.B.2"),
            themes=["boundaries", "ethics-in-action"],
            formats=["lab", "group"],
        ),
    )
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.ARTICLE,
            access=Resource.Access.MEMBERS,
            language="es",
            title="La ética en acción: cuando el patrocinador pide las notas",
            summary=(
                "Un caso frecuente en la mentoría en organizaciones: el patrocinador quiere "
                "saber qué se habla en las sesiones. Cómo responder con el Código de Ética."
            ),
            author="Lucía Ortega Prieto",
            minutes=12,
            body=(
                "## El caso\n\nLa directora de personas pide a la mentora un resumen de las "
                "sesiones.\n\n## Qué dice el Código\n\nLa confidencialidad se acuerda en el "
                "contrato, con sus límites, **antes** de empezar.\n\n## Qué hacer\n\n"
                "- Volver al acuerdo firmado.\n- Ofrecer un informe de avance pactado con el "
                "mentorado.\n- Llevar el dilema a supervisión.\n"
            ),
            clauses=_clauses("1.A.1", "1.B.1"),
            themes=["ethics-in-action", "contracting"],
            formats=["lab"],
        ),
    )
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.LINK,
            language="es",
            title="Mentoría: una introducción (Wikipedia)",
            summary=(
                "Una introducción general a la mentoría, su historia y sus formas, para "
                "compartir con los mentorados y patrocinadores que empiezan."
            ),
            author="Wikipedia",
            minutes=10,
            url="https://es.wikipedia.org/wiki/Mentor%C3%ADa",
            themes=["contracting"],
        ),
    )
    _publish(
        editor,
        reviewer,
        _content(
            kind=Resource.Kind.TEMPLATE,
            title="The Ethics Lens Worksheet, to print",
            summary=(
                "The toolkit's worksheet as a blank printable template, for training "
                "programmes and group supervision on paper."
            ),
            author="IMC Supervision Committee",
            minutes=20,
            template_tool=ETHICS_LENS,
            themes=["ethics-in-action"],
            formats=["group"],
        ),
    )
    centre = TrainingCentre.objects.order_by("pk").first()
    admin = people.get("institution")
    if (
        centre is not None
        and admin is not None
        and TrainingCentre.objects.administered_by(admin).filter(pk=centre.pk).exists()
    ):
        resource = services.resource_create(
            by=admin,
            centre=centre,
            content=_content(
                kind=Resource.Kind.ARTICLE,
                language="es",
                title="Guía del programa para nuestros mentores",
                summary="Calendario, tutorías y supervisión grupal del programa de este año.",
                author=centre.name,
                minutes=5,
                body="## Calendario\n\nSesiones grupales el primer martes de cada mes.\n",
                formats=["group"],
            ),
        )
        services.resource_publish(resource=resource, by=admin)
