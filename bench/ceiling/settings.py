"""The ceiling: a bare Django 5.2 view doing one indexed SELECT on Practicum's own database.

Same stack as the site (Django, gunicorn with the same workers, the same DATABASE_URL and
persistent connections), nothing else: no middleware, no templates, no sessions.
"""

import os

import dj_database_url

SECRET_KEY = "bench-ceiling"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.ceiling.urls"
USE_TZ = True
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
