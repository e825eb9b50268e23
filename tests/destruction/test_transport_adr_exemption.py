"""ADR 1.1.3.6, the small-load exemption: points per transport category (Table A col. 15, from
the UN table), the boundary at 1000 points, category 0 never exempt; damaged lithium batteries
under SP 376 (the damaged-batteries table); a lot of two UN classes counted once, under the
stricter entry; on the ADR document (read back), the transport page and the API."""

from decimal import Decimal

import pytest

from destruction.models import OrderStatus
from destruction.transport import adr, documents
from seizures.services import record_lot_condition
from tests.destruction.conftest import eligible_lot
from tests.destruction.test_transport_documents import table_rows, text_of

CATEGORY_OF = {row["un_number"]: row["transport_category"] for row in table_rows()}


def entry(category: int, un_number: str = "9999") -> adr.AdrEntry:
    """An entry of the given transport category (the table has no category 0 or 1 entry
    among the goods customs seizes, so the boundaries are checked on made-up entries)."""
    return adr.AdrEntry(
        waste_class="*",
        hazard_class="9",
        un_number=un_number,
        proper_shipping_name="TEST GOODS",
        adr_class="9",
        classification_code="M11",
        packing_group="III",
        tunnel_code="-",
        transport_category=category,
        note="",
        source="test",
    )


@pytest.mark.parametrize(
    ("category", "quantity", "points"),
    [(3, "1000", "1000"), (1, "20", "1000"), (2, "333.333", "999.999")],
)
def test_a_load_of_1000_points_or_fewer_is_exempt(category, quantity, points):
    load = adr.small_load([(entry(category), Decimal(quantity))])

    assert load.points == Decimal(points)
    assert load.exempt
    assert load.meaning.startswith("The load is within the limits of ADR 1.1.3.6")
    assert "no orange-coloured plates" in load.meaning


@pytest.mark.parametrize(
    ("category", "quantity", "points"),
    [(3, "1001", "1001"), (1, "20.02", "1001"), (2, "333.334", "1000.002")],
)
def test_a_load_over_1000_points_is_not_exempt(category, quantity, points):
    load = adr.small_load([(entry(category), Decimal(quantity))])

    assert load.points == Decimal(points)
    assert not load.exempt
    assert load.reason == f"{adr.decimal_text(Decimal(points))} points exceed the limit of 1000."
    assert load.meaning.startswith("Full ADR applies")


def test_categories_add_up_and_category_4_counts_nothing():
    load = adr.small_load(
        [
            (entry(1, "0001"), Decimal("10")),  # 500 points
            (entry(2, "0002"), Decimal("100")),  # 300
            (entry(2, "0003"), Decimal("50")),  # 150
            (entry(3, "0004"), Decimal("50")),  # 50
            (entry(4, "0005"), Decimal("100000")),  # 0
        ]
    )

    assert [(t.category, t.quantity, t.points) for t in load.categories] == [
        (1, Decimal("10"), Decimal("500")),
        (2, Decimal("150"), Decimal("450")),
        (3, Decimal("50"), Decimal("50")),
        (4, Decimal("100000"), Decimal("0")),
    ]
    assert load.categories[1].un_numbers == ("0002", "0003")
    assert load.points == Decimal("1000")
    assert load.exempt


def test_a_category_0_entry_is_never_exempt_however_small():
    load = adr.small_load([(entry(0), Decimal("0.001")), (entry(3, "0004"), Decimal("1"))])

    assert not load.exempt
    assert load.points == Decimal("1")
    assert load.categories[0].multiplier is None
    assert load.categories[0].points is None
    assert "transport category 0" in load.reason


def test_the_table_gives_each_entry_its_transport_category():
    assert CATEGORY_OF["3480"] == "2"
    assert CATEGORY_OF["2794"] == "3"
    assert CATEGORY_OF["3268"] == "4"
    assert adr.entry_for("BAT", "9").transport_category == 2
    assert all(int(category) in adr.TRANSPORT_CATEGORIES for category in CATEGORY_OF.values())


def order_of_batteries(order_in, kg: str, hazard_classes=("9",)):
    lot = eligible_lot(
        category="6b",
        waste_class="BAT",
        hazard_classes=list(hazard_classes),
        gross_weight_kg=Decimal(kg),
    )
    return order_in(OrderStatus.DISPATCHED, lots=[lot])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kg", "expected"),
    [
        # UN 3480 is transport category 2: 333 kg x 3 = 999 points.
        (
            "333",
            [
                "Small-load exemption (ADR 1.1.3.6)",
                "2 UN 3480 333 x 3 999",
                "Total: 999 points (EXEMPT under 1.1.3.6)",
                "no orange-coloured plates",
                "one 2 kg portable fire extinguisher",
            ],
        ),
        (
            "334",
            [
                "Total: 1002 points (NOT EXEMPT: full ADR)",
                "1002 points exceed the limit of 1000.",
                "Full ADR applies: orange-coloured plates front and rear",
            ],
        ),
    ],
)
def test_the_adr_document_prints_the_calculation(order_in, without_compliance_hook, kg, expected):
    order = order_of_batteries(order_in, kg)

    text = text_of(documents.render(order, documents.ADR))

    for passage in expected:
        assert passage in text


@pytest.mark.django_db
def test_a_liquid_lot_counts_its_litres(order_in, without_compliance_hook):
    perfume = eligible_lot(
        waste_class="COS",
        hazard_classes=["3"],
        gross_weight_kg=Decimal("120"),
        volume_l=Decimal("80"),
    )
    order = order_in(OrderStatus.DISPATCHED, lots=[perfume])

    load = documents.overview(order).exemption

    assert [(t.category, t.un_numbers, t.quantity) for t in load.categories] == [
        (2, ("1266",), Decimal("80.000"))
    ]
    assert load.points == Decimal("240")


@pytest.mark.django_db
def test_transport_page_and_api_show_the_calculation(
    client, api, warehouse_user, order_in, without_compliance_hook
):
    order = order_of_batteries(order_in, "400")
    client.force_login(warehouse_user)

    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert "ADR 1.1.3.6: 1,200 points" in detail
    assert f"/orders/{order.pk}/transport/" in detail
    page = client.get(f"/orders/{order.pk}/transport/").content.decode()
    assert 'data-testid="adr-points">1,200<' in page
    assert "Full ADR" in page
    assert "1200 points exceed the limit of 1000." in page
    assert "a driver holding an ADR training certificate" in page

    body = api(warehouse_user).get(f"/api/v1/destruction-orders/{order.pk}/transport/").json()
    assert body["adr_exemption"]["categories"] == [
        {
            "category": 2,
            "un_numbers": ["3480"],
            "quantity": "400.000",
            "multiplier": 3,
            "points": "1200.000",
        }
    ]
    assert body["adr_exemption"]["points"] == "1200.000"
    assert body["adr_exemption"]["limit"] == 1000
    assert body["adr_exemption"]["exempt"] is False
    assert body["adr_exemption"]["meaning"].startswith("Full ADR applies")
    assert [d["kind"] for d in body["documents"]] == ["adr", "consignment-note"]
    assert body["documents"][0]["url"] == (
        f"/api/v1/destruction-orders/{order.pk}/transport-documents/adr/"
    )
    assert body["annex_vii"] is None


@pytest.mark.django_db
def test_no_calculation_without_dangerous_goods(api, warehouse_user, order_in):
    order = order_in(OrderStatus.DISPATCHED, lots=[eligible_lot()])

    body = api(warehouse_user).get(f"/api/v1/destruction-orders/{order.pk}/transport/").json()

    assert body["adr_exemption"] is None
    assert [d["kind"] for d in body["documents"]] == ["consignment-note"]


DAMAGED_RULES = {row["un_number"]: row for row in table_rows(adr.DAMAGED_DATA)}


def test_the_damaged_rule_covers_the_four_lithium_battery_entries_with_its_source():
    assert sorted(DAMAGED_RULES) == ["3090", "3091", "3480", "3481"]
    for rule in DAMAGED_RULES.values():
        assert rule["marking"] == "DAMAGED/DEFECTIVE"
        assert rule["transport_category"] == "0"
        assert "P908" in rule["packing_note"] and "P911" in rule["packing_note"]
        assert rule["source"].startswith("ADR 2025 3.3.1 SP 376")


def test_a_damaged_battery_entry_is_damaged_defective_of_category_0():
    intact = adr.entry_for("BAT", "9")
    damaged = adr.entry_for("BAT", "9", damaged=True)

    assert damaged.description() == "WASTE UN 3480 LITHIUM ION BATTERIES DAMAGED/DEFECTIVE, 9, (E)"
    assert damaged.transport_category == 0
    assert damaged.packing_note.startswith("Special provision 376: packing instruction P908")
    assert (intact.transport_category, intact.packing_note) == (2, "")
    assert adr.entry_for("ELE", "9", damaged=True).proper_shipping_name == (
        "LITHIUM ION BATTERIES CONTAINED IN EQUIPMENT DAMAGED/DEFECTIVE"
    )


def test_damaged_goods_without_a_damaged_rule_are_carried_as_they_are():
    assert adr.entry_for("COS", "2.1", damaged=True) == adr.entry_for("COS", "2.1")


@pytest.mark.django_db
def test_marking_the_battery_lot_damaged_ends_the_exemption(
    client, api, warehouse_user, order_in, without_compliance_hook
):
    # 300 kg of UN 3480, transport category 2: 900 points, exempt while the lot is intact.
    order = order_of_batteries(order_in, "300")
    lot = order.lines.get().lot
    intact = text_of(documents.render(order, documents.ADR))
    assert "WASTE UN 3480 LITHIUM ION BATTERIES, 9, (E)" in intact
    assert "Total: 900 points (EXEMPT under 1.1.3.6)" in intact
    assert "Special provision 376" not in intact

    record_lot_condition(lot=lot, damaged=True, note="Swollen cells", actor=warehouse_user)
    order.refresh_from_db()

    damaged = text_of(documents.render(order, documents.ADR))
    assert "WASTE UN 3480 LITHIUM ION BATTERIES DAMAGED/DEFECTIVE, 9, (E)" in damaged
    assert "UN 3480: Special provision 376: packing instruction P908 (4.1.4.1) or LP904" in damaged
    assert "0 UN 3480 300 never exempt —" in damaged
    assert "Total: 0 points (NOT EXEMPT: full ADR)" in damaged
    assert "Goods of transport category 0 are on board: 1.1.3.6 never exempts them." in damaged

    client.force_login(warehouse_user)
    page = client.get(f"/orders/{order.pk}/transport/").content.decode()
    assert "WASTE UN 3480 LITHIUM ION BATTERIES DAMAGED/DEFECTIVE, 9, (E)" in page
    assert "packing instruction P908 (4.1.4.1) or LP904 (4.1.4.3); P911 or LP906" in page
    assert "Full ADR" in page
    body = api(warehouse_user).get(f"/api/v1/destruction-orders/{order.pk}/transport/").json()
    assert body["dangerous_goods"] == [
        {
            "lot": lot.reference,
            "un_number": "3480",
            "proper_shipping_name": "LITHIUM ION BATTERIES DAMAGED/DEFECTIVE",
            "description": "WASTE UN 3480 LITHIUM ION BATTERIES DAMAGED/DEFECTIVE, 9, (E)",
            "subsidiary_hazards": [],
            "transport_category": 0,
            "quantity": "300.000",
            "packing_note": adr.damaged_rules()["3480"].packing_note,
        }
    ]
    assert body["adr_exemption"]["exempt"] is False
    assert body["adr_exemption"]["categories"][0]["multiplier"] is None


@pytest.mark.parametrize("hazard_classes", [["8", "9"], ["9", "8"]])
def test_a_lot_of_two_classes_is_carried_under_the_lower_transport_category(hazard_classes):
    # UN 3480 (class 9) is transport category 2, UN 2794 (class 8) category 3.
    carried = adr.lot_entry("BAT", hazard_classes)

    assert carried.entry == adr.entry_for("BAT", "9")
    assert carried.subsidiary == ("8",)
    assert carried.entry.description(subsidiary=carried.subsidiary) == (
        "WASTE UN 3480 LITHIUM ION BATTERIES, 9 (8), (E)"
    )


def test_on_equal_categories_the_lower_class_is_carried_and_damage_is_the_strictest():
    # UN 1950 (2.1) and UN 1266 (3) are both category 2: gases precede (ADR 2.1.3.5.3).
    perfume = adr.lot_entry("COS", ["3", "2.1", "3"])
    assert (perfume.entry.un_number, perfume.subsidiary) == ("1950", ("3",))
    damaged = adr.lot_entry("BAT", ["8", "9"], damaged=True)
    assert (damaged.entry.un_number, damaged.entry.transport_category) == ("3480", 0)
    assert adr.lot_entry("APP", []) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kg", "points", "verdict"),
    [
        # Counted once under category 2: 333 kg x 3 = 999 points (twice, or 333 more under UN
        # 2794's category 3, would be over 1000).
        ("333", "999", "EXEMPT under 1.1.3.6"),
        ("334", "1002", "NOT EXEMPT: full ADR"),
    ],
)
def test_a_lot_of_two_classes_counts_its_quantity_once(
    client, api, warehouse_user, order_in, without_compliance_hook, kg, points, verdict
):
    order = order_of_batteries(order_in, kg, hazard_classes=["8", "9"])
    lot = order.lines.get().lot

    load = documents.overview(order).exemption
    assert [(t.category, t.un_numbers, t.quantity) for t in load.categories] == [
        (2, ("3480",), Decimal(kg))
    ]
    assert load.points == Decimal(points)

    text = text_of(documents.render(order, documents.ADR))
    assert text.count(lot.reference) == 1
    description = "WASTE UN 3480 LITHIUM ION BATTERIES, 9 (8), (E)"
    assert f"{description} {lot.articles} articles {kg} kg" in text
    assert f"Total quantity per UN number: UN 3480 {kg} kg " in text
    assert f"2 UN 3480 {kg} x 3 {points}" in text
    assert f"Total: {points} points ({verdict})" in text
    assert "2794" not in text

    client.force_login(warehouse_user)
    page = client.get(f"/orders/{order.pk}/transport/").content.decode()
    assert page.count(f"<td>{lot.reference}</td>") == 1
    assert description in page
    body = api(warehouse_user).get(f"/api/v1/destruction-orders/{order.pk}/transport/").json()
    assert [
        (g["un_number"], g["subsidiary_hazards"], g["transport_category"], g["quantity"])
        for g in body["dangerous_goods"]
    ] == [("3480", ["8"], 2, f"{kg}.000")]
    assert body["adr_exemption"]["points"] == f"{points}.000"
