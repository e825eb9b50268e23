from django.db import migrations

ROLE = "Right holder"


def create_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=ROLE).delete()


class Migration(migrations.Migration):
    """The fourth role; its permissions are synced after migrate (project.roles)."""

    dependencies = [("project", "0005_facility_operator_role")]

    operations = [migrations.RunPython(create_role, remove_role)]
