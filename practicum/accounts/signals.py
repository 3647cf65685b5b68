"""Deactivating an account ends its sessions, by whatever route it is deactivated.

`account_suspend`, the admin's "active" switch, an ethics sanction and any other code that saves
a user with `is_active` turned off all pass through `User.save()`: this is the one place that
has to be right. (A queryset `.update(is_active=False)` bypasses it: do not use one.)
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from practicum.accounts.models import User
from practicum.accounts.services import sessions_end


@receiver(pre_save, sender=User)
def _note_deactivation(sender, instance: User, update_fields=None, **kwargs) -> None:
    instance._ending_sessions = False
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    instance._ending_sessions = was_active


@receiver(post_save, sender=User)
def _end_sessions_of_deactivated(sender, instance: User, created=False, **kwargs) -> None:
    if getattr(instance, "_ending_sessions", False):
        instance._ending_sessions = False
        sessions_end(user_id=instance.pk)
