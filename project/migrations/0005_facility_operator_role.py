from django.db import migrations

ROLE = "Facility operator"


def create_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("project", "0004_notifications")]

    operations = [migrations.RunPython(create_role, remove_role)]
