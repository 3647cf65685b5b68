from django.urls import path

from practicum.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("r/<str:code>/", views.detail, name="detail"),
    path("r/<str:code>/file/", views.resource_file, name="file"),
    path("r/<str:code>/captions/", views.resource_captions, name="captions"),
    path("r/<str:code>/template.pdf", views.template_pdf, name="template_pdf"),
    path("r/<str:code>/study/", views.study, name="study"),
    path("r/<str:code>/cpd/", views.study_cpd, name="study_cpd"),
    path("studied/", views.my_studies, name="my_studies"),
    path("studied/export.json", views.my_studies_export, name="my_studies_export"),
    path("studied/erase/", views.my_studies_erase, name="my_studies_erase"),
    path("panel/", views.recommended_panel, name="recommended_panel"),
    path("labs/<str:code>/", views.lab_resources, name="lab_resources"),
    path("desk/", views.editor_dashboard, name="editor_dashboard"),
    path("desk/new/", views.resource_new, name="resource_new"),
    path("desk/<str:code>/", views.manage, name="manage"),
    path("desk/<str:code>/edit/", views.resource_edit, name="resource_edit"),
    path("desk/<str:code>/<str:action>/", views.resource_act, name="resource_act"),
    path("desk/<str:code>/v/<int:number>/<str:which>/", views.version_file, name="version_file"),
    path("centre/", views.centre_resources, name="centre_resources"),
    path("centre/<int:pk>/new/", views.centre_resource_new, name="centre_resource_new"),
]
