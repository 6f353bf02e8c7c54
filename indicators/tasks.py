from django_tasks import task

from indicators.ingestion import process_delivery


@task()
def process_delivery_task(delivery_id: int, token: str) -> None:
    process_delivery(delivery_id, token)
