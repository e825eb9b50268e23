"""Pages that fit the floor (issue #14, item 7), what can be read without a browser: every list's
filters are labelled and tablet-friendly, the extra ones wait under "More filters", forms with
errors open with a summary linking to the fields, and numbers and dates are written one way.
tests/browser/test_floor.py has the layout and accessibility checks."""

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django_filters.fields import DateRangeField

from project.filters import FilterLayout, FilterSet
from seizures.filtersets import LotFilterSet, SeizureFilterSet
from tests.destruction.factories import DestructionOrderFactory

FILTERSET_MODULES = (
    "project.filtersets",
    "seizures.filtersets",
    "destruction.filtersets",
    "destruction.certificates.filtersets",
    "destruction.costs.filtersets",
    "seizures.stocktakes.filtersets",
    "compliance.filtersets",
    "compliance.reviews.filtersets",
)


def all_filtersets() -> list[type[FilterSet]]:
    for module in FILTERSET_MODULES:
        importlib.import_module(module)
    found, pending = [], list(FilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        found.append(filterset)
        pending.extend(filterset.__subclasses__())
    return sorted(found, key=lambda filterset: filterset.__name__)


def test_every_list_filterset_is_found():
    names = {filterset.__name__ for filterset in all_filtersets()}
    assert {"LotFilterSet", "DestructionOrderFilterSet", "CertificateFilterSet"} <= names
    assert len(names) >= 14


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", all_filtersets(), ids=lambda cls: cls.__name__)
def test_every_filter_has_a_label_and_needs_no_ctrl_click(filterset_class):
    # A filter with a `method` or a path through a relation has no model field to take its
    # label from: django-filter then writes "[invalid name]".
    form = filterset_class().form
    for name, field in form.fields.items():
        assert field.label and "[invalid name]" not in str(field.label), name
        assert type(field.widget) is not forms.SelectMultiple, name
        if isinstance(field, DateRangeField):
            assert field.widget.template_name == "includes/widgets/date_range.html", name


@pytest.mark.django_db
def test_yes_no_filters_offer_any_yes_no_and_keep_the_choice():
    form = LotFilterSet({"high_risk": "true"}).form
    html = str(form["high_risk"])
    assert re.findall(r'<option value="(\w*)"[^>]*>(\w+)<', html) == [
        ("", "Any"),
        ("true", "Yes"),
        ("false", "No"),
    ]
    assert '<option value="true" selected>' in html
    assert "Unknown" not in str(LotFilterSet().form)


@pytest.mark.django_db
def test_a_date_range_has_a_labelled_from_and_to_date_picker():
    html = str(SeizureFilterSet({"detained_on_after": "2026-03-02"}).form["detained_on"])
    assert re.findall(r'<label for="(\w+)">(From|To)</label>', html) == [
        ("id_detained_on_0", "From"),
        ("id_detained_on_1", "To"),
    ]
    assert 'type="date" name="detained_on_after" value="2026-03-02"' in html
    assert 'type="date" name="detained_on_before"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "more_open"),
    [
        ({}, False),
        ({"q": "hoodies", "category": "3a"}, False),  # primary filters only
        ({"high_risk": "true"}, True),
        ({"stored_since_after": "2026-01-01"}, True),  # half a range
        ({"high_risk": "perhaps"}, True),  # refused: its error must be seen
        ({"stored_since_after": "", "stored_since_before": ""}, False),
    ],
)
def test_more_filters_open_by_themselves_when_one_of_them_is_set(query, more_open):
    layout = FilterLayout.of(LotFilterSet(query or None))
    assert [field.name for field in layout.primary] == [
        "q",
        "status",
        "warehouse",
        "category",
        "waste_class",
    ]
    assert "high_risk" in [field.name for field in layout.more]
    assert layout.more_open is more_open


@pytest.mark.django_db
def test_a_list_page_shows_its_key_filters_and_folds_the_rest(client, warehouse_user):
    client.force_login(warehouse_user)
    html = client.get("/lots/").text
    primary, more = html.split('<details class="more-filters">')
    assert 'name="q"' in primary and 'name="status"' in primary
    assert 'name="high_risk"' in more and 'name="high_risk"' not in primary
    assert 'type="checkbox" name="status" value="in_storage"' in primary
    opened = client.get("/lots/?high_risk=true").text
    assert '<details class="more-filters" open>' in opened


@pytest.mark.django_db
def test_a_form_with_errors_opens_with_a_summary_linking_to_each_field(client, warehouse_user):
    client.force_login(warehouse_user)
    response = client.post(
        "/seizures/new/",
        {"lots-TOTAL_FORMS": "1", "lots-INITIAL_FORMS": "0", "lots-0-articles": "0"},
    )
    html = response.text
    summary = html[html.index("data-error-summary") : html.index("</div>", html.index("<ul>"))]
    assert 'href="#id_office">Office: This field is required.</a>' in summary
    assert 'href="#id_detained_on">' in summary
    # The lot lines' errors too (a formset), each linking to its own box.
    assert 'href="#id_lots-0-articles">' in summary
    assert re.search(r"\d+ problems to correct", summary)


def test_the_summary_lists_general_errors_and_links_a_checkbox_group_to_its_first_box():
    class ChoiceForm(forms.Form):
        kinds = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )

        def clean(self):
            raise forms.ValidationError("Nothing can be saved today.")

    form = ChoiceForm({})
    html = Template("{% error_summary form %}").render(Context({"form": form}))
    assert "2 problems to correct" in html
    assert '<div class="form-errors" role="alert"><p>Nothing can be saved today.</p></div>' in html
    assert '<a href="#id_kinds_0">Kinds: This field is required.</a>' in html
    unbound = Template("{% error_summary form %}").render(Context({"form": ChoiceForm()}))
    assert unbound.strip() == ""


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("1.90000000000000"), "1.9"),
        (Decimal("2600.000"), "2,600"),
        (Decimal("1492.500"), "1,492.5"),
        (Decimal("0.0004"), "0"),
        (Decimal("12.3456"), "12.346"),
        (500000, "500,000"),
        (3, "3"),
        ("12.500", "12.5"),  # a certificate snapshot's value
        (None, "None"),
        ("", ""),
        ("n/a", "n/a"),
    ],
)
def test_weights_and_counts_are_written_one_way(value, written):
    assert Template("{{ value|quantity }}").render(Context({"value": value})) == written


@pytest.mark.django_db
def test_dates_and_times_follow_the_locale_formats(client, admin_user):
    order = DestructionOrderFactory(planned_date=datetime.date(2026, 12, 15))
    client.force_login(admin_user)
    html = client.get("/orders/").text
    assert "15 Dec 2026" in html and "2026-12-15" not in html
    when = datetime.datetime(2026, 3, 2, 14, 30, tzinfo=datetime.UTC)
    rendered = Template('{{ when|date:"DATETIME_FORMAT" }}').render(Context({"when": when}))
    assert rendered == "2 Mar 2026, 15:30"  # Europe/Brussels
    assert order.reference in html


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("2026-12-15", "15 Dec 2026"),
        ("2026-03-02T13:30:00+00:00", "2 Mar 2026, 14:30"),  # a snapshot's time, shown local
        (datetime.date(2026, 12, 15), "15 Dec 2026"),
        ("2026-02-30", "2026-02-30"),  # not a date: shown as it is
        ("not a date", "not a date"),
        ("", ""),
        (None, "None"),
    ],
)
def test_dates_kept_as_text_are_written_like_the_others(value, written):
    assert Template("{{ value|when }}").render(Context({"value": value})) == written


@pytest.mark.django_db
def test_labels_survive_the_openapi_schema_reading_the_filters():
    # The schema generator builds form fields on the classes' filters, before they know their
    # model: a page built afterwards must still label every filter.
    from drf_spectacular.generators import SchemaGenerator

    SchemaGenerator().get_schema(request=None, public=True)
    form = LotFilterSet().form
    assert form.fields["status"].label == "Status"
    assert type(form.fields["status"].widget) is not forms.SelectMultiple
