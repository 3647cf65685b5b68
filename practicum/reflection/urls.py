from django.urls import path

from practicum.reflection import (
    assessment_views,
    export_views,
    plan_views,
    views,
    worksheet_views,
)

app_name = "reflection"

urlpatterns = [
    path("", views.toolkit, name="toolkit"),
    # Reflective Conversation Framework, and sharing with a session's supervisor (views.py)
    path("reflections/", views.reflection_list, name="reflection_list"),
    path("reflections/new/", views.reflection_create, name="reflection_create"),
    path("reflections/<int:pk>/", views.reflection_detail, name="reflection_detail"),
    path("reflections/<int:pk>/step/<int:step>/", views.reflection_step, name="reflection_step"),
    path("reflections/<int:pk>/details/", views.reflection_details, name="reflection_details"),
    path(
        "reflections/<int:pk>/worksheet/",
        views.reflection_worksheet,
        name="reflection_worksheet",
    ),
    path(
        "reflections/<int:pk>/supervision/",
        views.reflection_supervision,
        name="reflection_supervision",
    ),
    path("reflections/<int:pk>/withdraw/", views.reflection_withdraw, name="reflection_withdraw"),
    path("reflections/<int:pk>/delete/", views.reflection_delete, name="reflection_delete"),
    path("shared/", views.shared_list, name="shared_list"),
    path("shared/<str:code>/", views.shared_reflection, name="shared_reflection"),
    path("sessions/<int:pk>/", views.session_reflections, name="session_reflections"),
    path("sessions/<int:pk>/themes/", views.session_tags, name="session_tags"),
    # Ethics Lens Worksheet (worksheet_views.py)
    path("worksheets/", worksheet_views.worksheet_list, name="worksheet_list"),
    path("worksheets/new/", worksheet_views.worksheet_create, name="worksheet_create"),
    path("worksheets/<int:pk>/", worksheet_views.worksheet_detail, name="worksheet_detail"),
    path("worksheets/<int:pk>/edit/", worksheet_views.worksheet_edit, name="worksheet_edit"),
    path(
        "worksheets/<int:pk>/clauses/", worksheet_views.worksheet_clauses, name="worksheet_clauses"
    ),
    path(
        "worksheets/<int:pk>/clauses/add/",
        worksheet_views.worksheet_clause_add,
        name="worksheet_clause_add",
    ),
    path(
        "worksheets/<int:pk>/clauses/<int:clause_pk>/remove/",
        worksheet_views.worksheet_clause_remove,
        name="worksheet_clause_remove",
    ),
    path(
        "worksheets/<int:pk>/analysis/",
        worksheet_views.worksheet_analysis,
        name="worksheet_analysis",
    ),
    path(
        "worksheets/<int:pk>/conclusion/",
        worksheet_views.worksheet_conclusion,
        name="worksheet_conclusion",
    ),
    path("worksheets/<int:pk>/pdf/", worksheet_views.worksheet_pdf, name="worksheet_pdf"),
    path("worksheets/<int:pk>/delete/", worksheet_views.worksheet_delete, name="worksheet_delete"),
    # Self-assessments (assessment_views.py)
    path("readiness/", assessment_views.readiness_index, name="readiness_index"),
    path("readiness/new/", assessment_views.readiness_take, name="readiness_take"),
    path("readiness/<int:pk>/", assessment_views.readiness_result, name="readiness_result"),
    path(
        "readiness/<int:pk>/delete/",
        assessment_views.readiness_delete,
        name="readiness_delete",
    ),
    path("self-care/", assessment_views.selfcare_index, name="selfcare_index"),
    path("self-care/new/", assessment_views.selfcare_take, name="selfcare_take"),
    path("self-care/reminder/", assessment_views.selfcare_reminder, name="selfcare_reminder"),
    path("self-care/<int:pk>/", assessment_views.selfcare_result, name="selfcare_result"),
    path("self-care/<int:pk>/delete/", assessment_views.selfcare_delete, name="selfcare_delete"),
    path("competencies/", assessment_views.competency_index, name="competency_index"),
    path("competencies/new/", assessment_views.competency_take, name="competency_take"),
    path("competencies/<int:pk>/", assessment_views.competency_result, name="competency_result"),
    path(
        "competencies/<int:pk>/delete/",
        assessment_views.competency_delete,
        name="competency_delete",
    ),
    # Development plan, themes and patterns (plan_views.py)
    path("plan/", plan_views.plan, name="plan"),
    path("plan/new/", plan_views.goal_create, name="goal_create"),
    path("plan/<int:pk>/", plan_views.goal_detail, name="goal_detail"),
    path("plan/<int:pk>/edit/", plan_views.goal_edit, name="goal_edit"),
    path("plan/<int:pk>/delete/", plan_views.goal_delete, name="goal_delete"),
    path(
        "plan/evidence/<int:pk>/remove/",
        plan_views.goal_evidence_remove,
        name="goal_evidence_remove",
    ),
    path("themes/", plan_views.tag_list, name="tag_list"),
    path("themes/<int:pk>/delete/", plan_views.tag_delete, name="tag_delete"),
    path("patterns/", plan_views.patterns, name="patterns"),
    path("patterns/keep/", plan_views.pattern_keep, name="pattern_keep"),
    # Exports and deletion (export_views.py)
    path("export/", export_views.export_index, name="export_index"),
    path("export/reflective-toolkit.json", export_views.export_json, name="export_json"),
    path("export/reflective-toolkit.pdf", export_views.export_pdf, name="export_pdf"),
    path("reflections/<int:pk>/pdf/", export_views.reflection_pdf, name="reflection_pdf"),
    path("erase/", export_views.erase, name="erase"),
]

# Blank printable templates of the four tools, for training centres (issue 11).
from practicum.reflection import blank_views  # noqa: E402

urlpatterns += [
    path("printable-tools.pdf", blank_views.printable_tools, name="printable_tools"),
    # One tool as a blank template to print (issue 19: the library's templates)
    path("templates/<slug:tool>.pdf", blank_views.tool_template, name="tool_template"),
]
