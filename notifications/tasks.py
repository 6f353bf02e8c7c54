from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> None:
    from notifications.services import send_email

    send_email(notification_id)
