from django.db import migrations

from core.db import create_lock_space_function


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_equipment_list"),
    ]

    operations = [create_lock_space_function()]
