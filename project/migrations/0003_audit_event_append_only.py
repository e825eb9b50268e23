import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from project.append_only import append_only_trigger

# Audit events are append-only like custody events: on PostgreSQL a trigger refuses UPDATE
# and DELETE of the rows, whatever path bypasses the model. (Row triggers, like the custody one:
# TRUNCATE, which test databases use to reset, is left to the anchoring work of issue 13.)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('project', '0002_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField()),
                ('actor_name', models.CharField(blank=True, max_length=150)),
                ('action', models.CharField(choices=[('created', 'Created'), ('changed', 'Changed'), ('deleted', 'Deleted'), ('login', 'Signed in'), ('login_failed', 'Sign-in failed'), ('logout', 'Signed out'), ('token_issued', 'API token issued'), ('token_revoked', 'API token revoked'), ('downloaded', 'Downloaded')], max_length=20)),
                ('object_type', models.CharField(blank=True, max_length=100)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('object_repr', models.CharField(blank=True, max_length=200)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('user_agent', models.CharField(blank=True, max_length=300)),
                ('path', models.CharField(blank=True, max_length=300)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-occurred_at', '-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='project_aud_object__caf76c_idx'), models.Index(fields=['occurred_at'], name='project_aud_occurre_bbf61a_idx'), models.Index(fields=['actor', 'occurred_at'], name='project_aud_actor_i_8366c1_idx')],
            },
        ),
        append_only_trigger("project_auditevent", name="audit_event_append_only", rows="audit events"),
    ]
