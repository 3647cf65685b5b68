from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


import_upload = import_preview = import_progress = import_confirm = _todo
