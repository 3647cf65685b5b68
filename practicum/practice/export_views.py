from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


export_index = log_csv = sessions_pdf = all_json = record_delete = erase_account = _todo
