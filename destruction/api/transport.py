"""Serializers of an order's transport (GET .../destruction-orders/{id}/transport/): its
documents, the ADR 1.1.3.6 small-load calculation, the state of the Annex VII record; and of
that record itself (GET .../transport/annex-vii/), the JSON a DIWASS integration would submit."""

from django.urls import reverse
from rest_framework import serializers

from destruction.transport.documents import DOCUMENTS, Overview


class CategoryTotalSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text="ADR transport category (Table A col. 15).")
    un_numbers = serializers.ListField(child=serializers.CharField())
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, help_text="kg, or litres for liquids (ADR 1.1.3.6.3)."
    )
    multiplier = serializers.IntegerField(
        allow_null=True, help_text="50, 3, 1 or 0; null for category 0 (never exempt)."
    )
    points = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)


class SmallLoadSerializer(serializers.Serializer):
    categories = CategoryTotalSerializer(many=True)
    points = serializers.DecimalField(max_digits=16, decimal_places=3)
    limit = serializers.IntegerField()
    exempt = serializers.BooleanField()
    reason = serializers.CharField()
    meaning = serializers.CharField(help_text="What the verdict means for vehicle and driver.")


class DangerousGoodsSerializer(serializers.Serializer):
    """One lot under the one UN entry it is carried under, as the ADR transport document
    describes it: a lot of several UN classes under the entry of the lowest transport category,
    its other classes as subsidiary hazards, its quantity counted once."""

    lot = serializers.CharField(source="lot.reference")
    un_number = serializers.CharField(source="entry.un_number")
    proper_shipping_name = serializers.CharField(
        source="entry.proper_shipping_name",
        help_text="With DAMAGED/DEFECTIVE after it for a damaged battery lot (ADR SP 376).",
    )
    description = serializers.CharField(
        help_text="The dangerous goods description (ADR 5.4.1.1.1), subsidiary hazards in "
        "brackets after the class."
    )
    subsidiary_hazards = serializers.ListField(
        source="subsidiary",
        child=serializers.CharField(),
        help_text="The lot's other UN classes, which its quantity is not counted under again.",
    )
    transport_category = serializers.IntegerField(source="entry.transport_category")
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, help_text="kg, or litres for liquids (ADR 1.1.3.6.3)."
    )
    packing_note = serializers.CharField(
        source="entry.packing_note",
        help_text="The packing instruction of the special provision the goods are carried "
        "under (SP 376 for damaged or defective lithium batteries); empty otherwise.",
    )


class TransportDocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The PDF (API).")


class AnnexViiStateSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    missing_fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field path -> why it is missing; empty when the record is complete.",
    )
    url = serializers.CharField(help_text="The JSON record (API).")


class TransportSerializer(serializers.Serializer):
    """Built from a `documents.Overview` and its order (in the context)."""

    documents = serializers.SerializerMethodField()
    dangerous_goods = DangerousGoodsSerializer(source="goods", many=True)
    adr_exemption = SmallLoadSerializer(
        source="exemption", allow_null=True, help_text="Null without dangerous goods."
    )
    annex_vii = serializers.SerializerMethodField(
        help_text="Null for a domestic shipment (no Annex VII)."
    )

    def _url(self, name: str, **kwargs) -> str:
        order = self.context["order"]
        return reverse(f"destruction-order-{name}", kwargs={"pk": order.pk, **kwargs})

    def get_documents(self, overview: Overview) -> list[dict]:
        rows = [
            {
                "kind": kind,
                "title": DOCUMENTS[kind],
                "url": self._url("transport-document", kind=kind),
            }
            for kind in overview.documents
        ]
        return TransportDocumentSerializer(rows, many=True).data

    def get_annex_vii(self, overview: Overview) -> dict | None:
        if overview.annex_vii_missing is None:
            return None
        state = {
            "complete": not overview.annex_vii_missing,
            "missing_fields": overview.annex_vii_missing,
            "url": self._url("transport-annex-vii"),
        }
        return AnnexViiStateSerializer(state).data


class PartySerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2.")
    country_name = serializers.CharField()


class GeneratorSerializer(PartySerializer):
    note = serializers.CharField()


class RecoveryFacilitySerializer(PartySerializer):
    permits = serializers.ListField(child=serializers.CharField())


class QuantitySerializer(serializers.Serializer):
    tonnes = serializers.CharField(help_text="Decimal, as text.")
    kg = serializers.CharField(help_text="Decimal, as text.")


class CarrierSerializer(serializers.Serializer):
    name = serializers.CharField()
    registration = serializers.CharField()
    means_of_transport = serializers.CharField()
    vehicle = serializers.CharField(allow_blank=True)
    date_of_transfer = serializers.CharField(help_text="ISO date.")


class WasteIdentificationSerializer(serializers.Serializer):
    basel_annex_ix = serializers.ListField(child=serializers.CharField())
    oecd = serializers.ListField(child=serializers.CharField())
    eu_list_of_wastes = serializers.ListField(child=serializers.CharField())


class CountriesSerializer(serializers.Serializer):
    dispatch = serializers.CharField()
    transit = serializers.ListField(child=serializers.CharField())
    destination = serializers.CharField()


class DeclarationSerializer(serializers.Serializer):
    text = serializers.CharField()
    name = serializers.CharField()
    date = serializers.CharField(help_text="ISO date.")


class AnnexViiSerializer(serializers.Serializer):
    """The blocks of Annex VII (Reg. (EU) 2024/1157), numbered as the form: 1 person arranging
    the shipment, 2 importer/consignee, 3 actual quantity, 4 actual date of shipment, 5
    carriers, 6 waste generator, 7 recovery facility, 8 recovery operation, 9 usual
    description, 10 waste identification, 11 countries concerned, 12 declaration."""

    regulation = serializers.CharField()
    order = serializers.CharField()
    consignment_note_number = serializers.CharField(allow_blank=True)
    person_arranging_shipment = PartySerializer()
    importer_consignee = PartySerializer()
    actual_quantity = QuantitySerializer()
    actual_date_of_shipment = serializers.CharField(help_text="ISO date.")
    carriers = CarrierSerializer(many=True)
    waste_generator = GeneratorSerializer()
    recovery_facility = RecoveryFacilitySerializer()
    recovery_operation = serializers.ListField(child=serializers.CharField())
    usual_description = serializers.CharField()
    waste_identification = WasteIdentificationSerializer()
    countries_concerned = CountriesSerializer()
    declaration = DeclarationSerializer()
