from django_tasks import task

from practicum.api import services


@task()
def deliver_webhook(*, delivery_id: int) -> None:
    services.delivery_attempt(delivery_id=delivery_id)
