"""The background task that e-mails one notification (run by `manage.py db_worker`)."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from project.models import Notification, NotificationStatus


@task()
def send_notification(notification_id: int) -> str:
    """Send it once: a notification already sent (a task run twice) is left alone; a failure is
    recorded on it, to be seen in the admin, and raised so the task shows as failed."""
    notification = Notification.objects.get(pk=notification_id)
    if notification.status != NotificationStatus.QUEUED:
        return notification.status
    message = EmailMessage(
        subject=notification.subject,
        body=f"{notification.body}\n\n{_link(notification.link)}".rstrip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
    )
    for name in notification.attachments:
        with default_storage.open(name, "rb") as attachment:
            message.attach(name.rsplit("/", 1)[-1], attachment.read())
    try:
        message.send()
    except Exception as error:
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, error=str(error)[:300]
        )
        raise
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, sent_at=timezone.now()
    )
    return NotificationStatus.SENT


def _link(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}" if path else ""
