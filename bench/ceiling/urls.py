from django.db import connection
from django.http import HttpResponse
from django.urls import path


def one_select(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM accounts_user WHERE email = %s", ["mentor@demo.practicum.test"]
        )
        row = cursor.fetchone()
    return HttpResponse(f"ok {row[0] if row else '-'}", content_type="text/plain")


urlpatterns = [path("", one_select)]
