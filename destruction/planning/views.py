"""The planner: eligible lots, the proposals (method and facility per lot, with the compliance
preview), and the orders created from the choices, one per office and facility."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from destruction import services
from destruction.filtersets import ELIGIBLE_COUNT_CAP, eligible_lots
from destruction.forms import (
    ALLOWED_METHODS,
    OrderForm,
    apply_service_error,
    posted_references,
)
from destruction.models import Facility
from destruction.proposals import propose
from project.compliance import PlanChoice
from project.errors import TransitionNotAllowed
from project.pagination import CappedPaginator
from project.views import Protected
from seizures.filtersets import LotFilterSet
from seizures.models import Lot
from seizures.scoping import refuse_invisible


class EligiblePaginator(CappedPaginator):
    """Counts and pages the first ELIGIBLE_COUNT_CAP eligible lots ("more than 1,000"): an
    order is planned from a few hundred lots at most, filtered by office or category."""

    cap = ELIGIBLE_COUNT_CAP


class PlannerView(Protected, TemplateView):
    """Plan from proposals (issue 14, item 1): tick or scan eligible lots and a day; the
    rulebook proposes a method and a facility for each lot (destruction.proposals) with its
    verdict and findings; the person changes any choice and checks again; creating plans one
    order per facility in one step. A POST without a step creates."""

    permission_required = "destruction.add_destructionorder"
    template_name = "destruction/planner.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposals = kwargs.get("proposals") or []
        planned = {row["lot"].pk for row in proposals}
        eligible = eligible_lots().visible_to(self.request.user).exclude(pk__in=planned)
        filterset = LotFilterSet(self.request.GET, queryset=eligible, request=self.request)
        lots = filterset.qs if filterset.is_valid() else eligible.none()
        page = self.paginate(lots)
        form = kwargs.get("form")
        selected = set(form.cleaned_data.get("lots", ())) if form is not None else set()
        rows = [{"lot": lot, "selected": lot.pk in selected} for lot in page.object_list]
        context.update(
            filterset=filterset,
            page_obj=page,
            paginator=page.paginator,
            rows=rows,
            proposals=proposals,
            orders_to_create=orders_to_create(proposals),
            methods=ALLOWED_METHODS,
            facilities=list(Facility.objects.filter(active=True).order_by("name")),
            max_reference=services.MAX_REFERENCE,
        )
        context.setdefault("form", OrderForm(initial={"cost_currency": "EUR"}))
        return context

    def paginate(self, queryset):
        return EligiblePaginator(queryset, self.paginate_by).get_page(self.request.GET.get("page"))

    def post(self, request, *args, **kwargs):
        form = OrderForm(request.POST)
        step = request.POST.get("step", "create")
        proposals = []
        if form.is_valid():
            lots = self.chosen_lots(form)
            if not lots:
                form.add_error(None, "Tick or scan at least one lot.")
            else:
                try:
                    refuse_invisible(request.user, lots, field="scanned")
                    proposals = self.proposals(form, lots, keep_choices=step != "propose")
                except ValidationError as error:
                    apply_service_error(planner_error(error), form)
                else:
                    if step == "create":
                        created = self.create(form, lots, proposals)
                        if created is not None:
                            return created
                    else:
                        context = self.get_context_data(form=form, proposals=proposals)
                        return self.render_to_response(context)
        context = self.get_context_data(form=form, proposals=proposals)
        return self.render_to_response(context, status=400)

    def chosen_lots(self, form) -> list[Lot]:
        ticked = form.cleaned_data["lots"]
        lots = {
            lot.pk: lot for lot in Lot.objects.visible_to(self.request.user).filter(pk__in=ticked)
        }
        chosen = [lots[pk] for pk in ticked if pk in lots]
        return chosen + [lot for lot in form.cleaned_data["scanned"] if lot.pk not in lots]

    def proposals(self, form, lots: list[Lot], *, keep_choices: bool) -> list[dict]:
        """The proposal of each lot (with the person's choices, evaluated, when kept), as the
        planner's rows."""
        post = self.request.POST
        choices = planner_choices(post, lots, form) if keep_choices else {}
        proposed = propose(
            [lot.pk for lot in lots], planned_on=form.cleaned_data["planned_date"], choices=choices
        )
        facilities = {f.pk: f for f in Facility.objects.filter(active=True)}
        by_pk = Lot.objects.select_related("seizure").in_bulk([lot.pk for lot in lots])
        return [
            {
                "lot": by_pk[proposal.lot],
                "option": proposal.option,
                "facility": facilities.get(proposal.option.facility),
                "alternatives": [
                    {"option": option, "facility": facilities.get(option.facility)}
                    for option in proposal.alternatives
                ],
                "references": posted_references(post, proposal.lot),
                "justification": post.get(f"justification_{proposal.lot}", ""),
            }
            for proposal in proposed
        ]

    def create(self, form, lots: list[Lot], proposals: list[dict]):
        """Plan the orders; the redirect, or None with the refusal on the form."""
        missing = [row["lot"].reference for row in proposals if row["facility"] is None]
        if missing:
            form.add_error(None, f"Choose a facility for lot {', '.join(missing)}.")
            return None
        lines = [
            services.LineInput(
                lot=row["lot"],
                method=row["option"].method,
                justification=row["justification"],
                **row["references"],
            )
            for row in proposals
        ]
        try:
            orders = services.create_orders(
                actor=self.request.user,
                lines=lines,
                facilities={row["lot"].pk: row["facility"] for row in proposals},
                **form.service_arguments(),
            )
        except ValidationError as error:
            apply_service_error(error, form)
            return None
        except TransitionNotAllowed as conflict:
            form.add_error(None, conflict.message)
            return None
        if len(orders) == 1:
            messages.success(
                self.request, f"Order {orders[0].reference} planned with {len(lines)} lots."
            )
            return redirect("destruction:order-detail", pk=orders[0].pk)
        references = ", ".join(f"{order.reference} ({order.facility.name})" for order in orders)
        messages.success(
            self.request, f"{len(orders)} orders planned, one per facility: {references}."
        )
        return redirect(f"{reverse('destruction:order-list')}?status=draft")


def planner_choices(post, lots: list[Lot], form) -> dict[int, PlanChoice]:
    """What the person chose for each lot: its own method and facility (inputs method_<id>,
    facility_<id>), else the order's (the form's method and facility), else nothing: the
    proposal stands."""
    allowed = dict(ALLOWED_METHODS)
    default_method = form.cleaned_data.get("method") or ""
    default_facility = form.cleaned_data.get("facility")
    choices = {}
    for lot in lots:
        method = post.get(f"method_{lot.pk}", "")
        method = method if method in allowed else default_method
        facility = post.get(f"facility_{lot.pk}", "")
        facility_id = int(facility) if facility.isdigit() and len(facility) < 19 else None
        if facility_id is None and default_facility is not None:
            facility_id = default_facility.pk
        if not method:
            continue
        choices[lot.pk] = PlanChoice(
            method=method,
            facility=facility_id,
            justification=post.get(f"justification_{lot.pk}", ""),
            references=posted_references(post, lot.pk),
        )
    return choices


def planner_error(error: ValidationError) -> ValidationError:
    """The proposals name the day `planned_on` (the API's name); the planner's field is
    `planned_date`."""
    if hasattr(error, "error_dict") and "planned_on" in error.error_dict:
        errors = dict(error.error_dict)
        errors["planned_date"] = errors.pop("planned_on")
        return ValidationError(errors)
    return error


def orders_to_create(proposals: list[dict]) -> list[dict]:
    """The orders the planned lots make: one per customs office and facility."""
    groups: dict[tuple, dict] = {}
    for row in proposals:
        facility = row["facility"]
        key = (row["lot"].seizure.office_id, facility.pk if facility else None)
        group = groups.setdefault(key, {"facility": facility, "lots": []})
        group["lots"].append(row["lot"])
    return list(groups.values())
