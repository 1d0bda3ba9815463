"""Reactions of occupants to what happens in the apps below it (connected in OccupantsConfig)."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from occupants import services
from occupants.models import StructureMember


@receiver(pre_delete, sender="accounts.User", dispatch_uid="occupants-account-deleted")
def account_deleted(sender, instance, **kwargs) -> None:
    """Deleting an account deletes its memberships, whoever deletes it (the admin, a script):
    the structures it belonged to count it as a member who left. Runs in the deletion's
    transaction."""
    structure_ids = StructureMember.objects.filter(user_id=instance.pk).values_list(
        "structure_id", flat=True
    )
    services.members_left(list(structure_ids))
