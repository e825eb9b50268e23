"""The four roles and what each may do. Groups are created by a data migration; their
permissions are re-synced after every migrate, so a permission added by a feature lands in its
roles without another migration."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

WAREHOUSE_STAFF = "Warehouse staff"
ENVIRONMENTAL_AUDITOR = "Environmental auditor"
ADMINISTRATOR = "Administrator"
# A disposal facility's own staff, each linked to one facility (destruction.FacilityOperator).
FACILITY_OPERATOR = "Facility operator"
# A right holder's staff or representative, linked to it by seizures.UserAccess: reads its own
# cases and answers on them (agreement to destruction, samples, extension), nothing else.
RIGHT_HOLDER = "Right holder"
ROLES = (WAREHOUSE_STAFF, ENVIRONMENTAL_AUDITOR, ADMINISTRATOR, FACILITY_OPERATOR, RIGHT_HOLDER)

# "app.codename" grants one permission; "app.view_*" every view permission of the app;
# "app.*" all of them.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    WAREHOUSE_STAFF: (
        "seizures.view_*",
        "seizures.add_seizure",
        "seizures.change_seizure",
        "seizures.add_lot",
        "seizures.change_lot",
        "seizures.move_lot",
        "seizures.sample_lot",
        "seizures.print_labels",
        "seizures.import_seizures",
        "seizures.count_stock",
        "destruction.view_*",
        "destruction.add_destructionorder",
        "destruction.change_destructionorder",
        "destruction.submit_order",
        "destruction.dispatch_order",
        "destruction.record_destruction",
        "destruction.cancel_order",
        "destruction.countersign_record",
        "compliance.view_compliancecheck",
        "project.view_notification",
    ),
    ENVIRONMENTAL_AUDITOR: (
        "seizures.view_*",
        "destruction.view_*",
        "compliance.view_*",
        "compliance.add_certificatereview",
        "compliance.review_certificate",
        "project.view_auditevent",
    ),
    ADMINISTRATOR: (
        "seizures.*",
        "destruction.*",
        "compliance.*",
        # Sign-in lockouts: deleting a user's or an address's access attempts unlocks it.
        "axes.view_*",
        "axes.delete_accessattempt",
        # API tokens: see who holds one; deleting one revokes it.
        "project.view_apitoken",
        "project.delete_apitoken",
        # Authenticator apps (second factor) of the users.
        "otp_totp.*",
        "project.view_auditevent",
        "project.view_notification",
    ),
    # Only the orders dispatched to their facility (DestructionOrderQuerySet.visible_to).
    FACILITY_OPERATOR: (
        "destruction.view_destructionorder",
        "destruction.receive_order",
        "destruction.record_destruction",
    ),
    RIGHT_HOLDER: (
        "seizures.view_seizure",
        "seizures.view_lot",
        "seizures.view_rightholderact",
        "seizures.act_for_right_holder",
        "destruction.view_destructionorder",
        "destruction.view_certificate",
        "destruction.view_statement",
    ),
}


def permissions_for(patterns: tuple[str, ...]):
    query = Q(pk__in=[])
    for pattern in patterns:
        app_label, codename = pattern.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        elif codename.endswith("*"):
            query |= Q(content_type__app_label=app_label, codename__startswith=codename[:-1])
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_role_permissions(*, using: str = "default", **kwargs) -> None:
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(permissions_for(patterns).using(using))
