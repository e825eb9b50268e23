"""`{% error_summary form formset ... %}`: every error of a submitted form (and its formsets) at
the top of the form, each field's error a link to the field; the page's script moves focus to
the summary (static/js/layout.js), so a long form never reloads with its errors out of sight."""

from dataclasses import dataclass

from django import template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


@dataclass(frozen=True)
class FieldError:
    label: str
    message: str
    anchor: str  # the id of the field's input; empty for a hidden field


def field_errors(form) -> list[FieldError]:
    errors = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        field = form[name]
        # A group of checkboxes or date boxes has no single input: its first one.
        anchor = "" if field.is_hidden else field.id_for_label or f"{field.auto_id}_0"
        errors.extend(FieldError(str(field.label), message, anchor) for message in messages)
    return errors


def collect(forms) -> tuple[list[str], list[FieldError]]:
    general: list[str] = []
    fields: list[FieldError] = []
    for item in forms:
        if not item or not item.is_bound:
            continue
        if hasattr(item, "forms"):  # a formset: its own errors, then each form's
            general.extend(item.non_form_errors())
            for inner in item.forms:
                inner_general, inner_fields = collect([inner])
                general.extend(inner_general)
                fields.extend(inner_fields)
            continue
        general.extend(item.non_field_errors())
        fields.extend(field_errors(item))
    return general, fields


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms) -> dict:
    general, fields = collect(forms)
    return {"general": general, "fields": fields, "count": len(general) + len(fields)}
