from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_email_verified_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("fr", "Français"), ("en", "English")],
                help_text="Langue des e-mails et de l'interface ; vide : celle de la plateforme.",
                max_length=10,
                verbose_name="langue",
            ),
        ),
    ]
