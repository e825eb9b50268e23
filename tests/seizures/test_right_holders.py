"""A right holder's users answer on its cases (seizures.services.right_holders): each answer is
an act and a custody event on every lot, refused for anyone else's case; the API and the pages
call the same services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from project.errors import TransitionNotAllowed
from project.roles import RIGHT_HOLDER
from seizures import services
from seizures.custody import verify_chains
from seizures.models import CustodyEvent, LegalRoute, RightHolderAct, Seizure
from tests.scoping_world import user_in
from tests.seizures.factories import LotFactory, RightHolderFactory, SeizureFactory

pytestmark = pytest.mark.django_db

Kind = RightHolderAct.Kind


@pytest.fixture
def holder():
    return RightHolderFactory(name="Stride Athletics AG")


@pytest.fixture
def holder_user(holder):
    return user_in(RIGHT_HOLDER, "rita", right_holder=holder)


@pytest.fixture
def case(holder, warehouse_user):
    seizure = SeizureFactory(right_holder=holder, right_holder_agreement_on=None)
    for _ in range(2):
        LotFactory(seizure=seizure)
    services.update_seizure(seizure=seizure, actor=warehouse_user, notes="")
    return seizure


def acts_events(seizure):
    return list(
        CustodyEvent.objects.filter(
            lot__seizure=seizure, kind=CustodyEvent.Kind.RIGHT_HOLDER_ACT
        ).order_by("lot_id")
    )


def test_confirming_the_infringement_records_an_act_and_an_event_on_every_lot(case, holder_user):
    act = services.confirm_infringement(seizure=case, actor=holder_user, note="Fake soles.")
    assert (act.kind, act.reason, act.right_holder_id) == (
        Kind.CONFIRMED_INFRINGEMENT,
        "Fake soles.",
        case.right_holder_id,
    )
    events = acts_events(case)
    assert len(events) == 2
    assert {e.details["act"] for e in events} == {Kind.CONFIRMED_INFRINGEMENT}
    assert all(e.actor == holder_user for e in events)
    assert not verify_chains()


def test_the_agreement_is_saved_on_the_seizure_with_its_date(case, holder_user):
    act = services.agree_to_destruction(
        seizure=case, actor=holder_user, agreed_on=datetime.date(2026, 3, 9)
    )
    case.refresh_from_db()
    assert case.right_holder_agreement_on == datetime.date(2026, 3, 9)
    assert (act.kind, act.effective_on) == (Kind.AGREED_TO_DESTRUCTION, datetime.date(2026, 3, 9))
    assert [e.details["effective_on"] for e in acts_events(case)] == ["2026-03-09"] * 2


def test_an_implausible_agreement_date_is_a_field_error_and_nothing_is_recorded(case, holder_user):
    with pytest.raises(ValidationError) as refused:
        services.agree_to_destruction(
            seizure=case, actor=holder_user, agreed_on=datetime.date(2099, 1, 1)
        )
    assert "agreed_on" in refused.value.message_dict
    assert not RightHolderAct.objects.exists()
    assert not acts_events(case)


def test_destruction_cannot_be_refused_once_agreed(case, holder_user):
    services.agree_to_destruction(
        seizure=case, actor=holder_user, agreed_on=datetime.date(2026, 3, 9)
    )
    with pytest.raises(TransitionNotAllowed, match="ask customs"):
        services.refuse_destruction(seizure=case, actor=holder_user, reason="Changed our mind")
    assert RightHolderAct.objects.count() == 1


def test_a_refusal_needs_a_reason_and_is_recorded(case, holder_user):
    with pytest.raises(ValidationError):
        services.refuse_destruction(seizure=case, actor=holder_user, reason="  ")
    act = services.refuse_destruction(seizure=case, actor=holder_user, reason="We will sue.")
    assert (act.kind, act.reason) == (Kind.REFUSED_DESTRUCTION, "We will sue.")


def test_samples_are_requested_with_a_number_of_articles(case, holder_user):
    with pytest.raises(ValidationError) as refused:
        services.request_samples(seizure=case, actor=holder_user, articles=0, reason="")
    assert set(refused.value.message_dict) == {"articles", "reason"}
    act = services.request_samples(seizure=case, actor=holder_user, articles=3, reason="Lab")
    assert (act.kind, act.articles_requested) == (Kind.REQUESTED_SAMPLES, 3)
    assert acts_events(case)[0].details["articles"] == 3


def test_an_extension_is_asked_for_on_the_court_route_only(case, holder_user):
    with pytest.raises(TransitionNotAllowed, match="not on the court route"):
        services.request_extension(seizure=case, actor=holder_user, days=5, reason="Counsel")
    Seizure.objects.filter(pk=case.pk).update(legal_route=LegalRoute.COURT)
    with pytest.raises(ValidationError) as refused:
        services.request_extension(seizure=case, actor=holder_user, days=11, reason="Counsel")
    assert "days" in refused.value.message_dict
    act = services.request_extension(seizure=case, actor=holder_user, days=10, reason="Counsel")
    assert (act.kind, act.extension_days_requested) == (Kind.REQUESTED_EXTENSION, 10)


def test_only_the_cases_right_holder_answers(case, warehouse_user):
    other = user_in(RIGHT_HOLDER, "otto", right_holder=RightHolderFactory(name="Other SA"))
    for actor in (other, warehouse_user):
        with pytest.raises(PermissionDenied):
            services.confirm_infringement(seizure=case, actor=actor)
    assert not RightHolderAct.objects.exists()


# --- API ---------------------------------------------------------------------------------


def test_the_api_records_an_agreement_and_answers_the_act(api, case, holder_user):
    response = api(holder_user).post(
        f"/api/v1/seizures/{case.pk}/agree-to-destruction/",
        {"agreed_on": "2026-03-09"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "agreed_to_destruction"
    case.refresh_from_db()
    assert case.right_holder_agreement_on == datetime.date(2026, 3, 9)


def test_the_api_answers_bad_input_with_field_errors(api, case, holder_user):
    response = api(holder_user).post(
        f"/api/v1/seizures/{case.pk}/request-samples/", {"articles": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"articles", "reason"}


def test_customs_staff_cannot_answer_for_a_right_holder(api, case, warehouse_user):
    response = api(warehouse_user).post(
        f"/api/v1/seizures/{case.pk}/confirm-infringement/", {}, format="json"
    )
    assert response.status_code == 403


def test_a_refusal_after_the_agreement_is_a_conflict(api, case, holder_user):
    client = api(holder_user)
    client.post(
        f"/api/v1/seizures/{case.pk}/agree-to-destruction/",
        {"agreed_on": "2026-03-09"},
        format="json",
    )
    response = client.post(
        f"/api/v1/seizures/{case.pk}/refuse-destruction/", {"reason": "No"}, format="json"
    )
    assert response.status_code == 409


def test_the_acts_list_shows_customs_and_the_right_holder_the_same_acts(
    api, case, holder_user, admin_user
):
    services.confirm_infringement(seizure=case, actor=holder_user)
    for user in (holder_user, admin_user):
        rows = api(user).get("/api/v1/right-holder-acts/").json()["results"]
        assert [(r["seizure_reference"], r["kind"]) for r in rows] == [
            (case.reference, "confirmed_infringement")
        ]


# --- pages -------------------------------------------------------------------------------


def test_the_case_page_records_an_agreement(client, case, holder_user):
    client.force_login(holder_user)
    response = client.post(
        f"/right-holder/cases/{case.pk}/agree/", {"agree-agreed_on": "2026-03-09"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Agreement to destruction recorded." in page
    assert "Agreed to destruction" in page


def test_the_case_page_shows_a_refusal_on_its_form(client, case, holder_user):
    client.force_login(holder_user)
    response = client.post(f"/right-holder/cases/{case.pk}/samples/", {"samples-articles": "0"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_the_right_holder_pages_are_for_right_holders_only(client, warehouse_user):
    client.force_login(warehouse_user)
    assert client.get("/right-holder/").status_code == 403


def test_the_dashboard_sends_a_right_holder_to_its_cases(client, holder_user):
    client.force_login(holder_user)
    response = client.get("/")
    assert (response.status_code, response.url) == (302, "/right-holder/")


@pytest.mark.parametrize("url", ["/right-holder/", "/api/v1/right-holder-acts/"])
def test_the_right_holder_lists_run_the_same_queries_for_one_and_many_rows(
    client, holder, holder_user, url
):
    client.force_login(holder_user)

    def make(n):
        for _ in range(n):
            seizure = SeizureFactory(right_holder=holder, right_holder_agreement_on=None)
            LotFactory(seizure=seizure)
            services.confirm_infringement(seizure=seizure, actor=holder_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make(1)
    count()
    one = count()
    make(30)
    assert count() == one


def test_customs_see_the_right_holders_answers_on_the_seizure_page(
    client, case, holder_user, warehouse_user
):
    services.request_samples(seizure=case, actor=holder_user, articles=2, reason="Lab test")
    client.force_login(warehouse_user)
    page = client.get(f"/seizures/{case.pk}/").content.decode()
    assert "Samples requested" in page
    assert "2 articles: Lab test" in page
