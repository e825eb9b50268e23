"""API of the seizures app: viewsets for reads, one @action per write (input serializer -> one
service -> output serializer). Permissions per action in `permission_map`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from project.api import ERROR, FileNegotiation, NewestFirstPagination, error_body
from project.routers import ID_PATTERN
from seizures import exports, labels, services
from seizures.api import inputs
from seizures.api import serializers as s
from seizures.filtersets import (
    CustodyEventFilterSet,
    LotFilterSet,
    RightHolderActFilterSet,
    SeizureFilterSet,
)
from seizures.intake import IntakeDuplicates, IntakeRejected
from seizures.lots.photos import photo_response
from seizures.models import (
    INTAKE_FLAGS,
    CustodyEvent,
    CustodySeal,
    IntakeBatch,
    Lot,
    LotPhoto,
    RightHolderAct,
    Seizure,
    StorageLocation,
)
from seizures.storage import MOVABLE_STATUSES

CSV_RESPONSE = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file")}
PDF_RESPONSE = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF labels")
}
PHOTO_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The photo as uploaded (JPEG, PNG or WebP)."
    ),
    403: ERROR,
    404: ERROR,
}
WRITE_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
# Lot actions answering the lot with its photos.
DETAIL_ACTIONS = frozenset({"retrieve", "condition"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 100
IMPORT_ROWS_ERROR = inline_serializer(
    "ImportRejected",
    {
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            # Rows for a rejected file; field errors (no file) otherwise.
            "ImportErrors",
            {"rows": inputs.ImportErrorSerializer(many=True, required=False)},
        ),
    },
)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FilteredViewSetMixin:
    """The list's FilterSet does filtering and ordering (`ordering=`), shared with the page."""

    filter_backends = (DjangoFilterBackend,)
    export_columns: list = []
    export_name = "export"

    @extend_schema(responses=CSV_RESPONSE)
    @action(detail=False, methods=["get"], content_negotiation_class=FileNegotiation)
    def export(self, request):
        """The filtered list as a CSV download (streamed, all pages)."""
        rows = self.filter_queryset(self.get_queryset()).iterator(chunk_size=1000)
        return exports.csv_response(rows, self.export_columns, self.export_name)

    def _valid(self, serializer_class, data) -> dict:
        """Validated input; records named by id are looked up among those the user may see."""
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class SeizureViewSet(FilteredViewSetMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = SeizureFilterSet
    export_columns = exports.SEIZURE_COLUMNS
    export_name = "seizures"
    permission_map = {
        "create": "seizures.add_seizure",
        "partial_update": "seizures.change_seizure",
        "add_lots": "seizures.add_lot",
        "hold": "seizures.hold_seizure",
        "lift_hold": "seizures.hold_seizure",
        "import_csv": "seizures.import_seizures",
        "amend": "seizures.amend_seizure",
        "export": "seizures.view_seizure",
        "confirm_infringement": "seizures.act_for_right_holder",
        "agree_to_destruction": "seizures.act_for_right_holder",
        "refuse_destruction": "seizures.act_for_right_holder",
        "request_samples": "seizures.act_for_right_holder",
        "request_extension": "seizures.act_for_right_holder",
    }

    def get_queryset(self):
        queryset = Seizure.objects.visible_to(self.request.user).with_related()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("lots", queryset=Lot.objects.with_related().order_by("reference"))
            )
        return queryset

    def get_serializer_class(self):
        return s.SeizureDetailSerializer if self.action == "retrieve" else s.SeizureSerializer

    def _detail(self, seizure: Seizure, code=status.HTTP_200_OK) -> Response:
        seizure = (
            self.get_queryset()
            .prefetch_related(
                Prefetch("lots", queryset=Lot.objects.with_related().order_by("reference"))
            )
            .get(pk=seizure.pk)
        )
        return Response(s.SeizureDetailSerializer(seizure).data, status=code)

    def _intake_parts(self, request) -> tuple[dict, MultiValueDict]:
        """The seizure's JSON body and the files sent with it (none in a JSON request)."""
        if not request.content_type.startswith("multipart/"):
            return request.data, MultiValueDict()
        outer = self._valid(inputs.SeizureWithPhotosSerializer, request.data)
        return outer["seizure"], request.FILES

    @extend_schema(
        request={
            "application/json": inputs.SeizureCreateSerializer,
            "multipart/form-data": inputs.SeizureWithPhotosSerializer,
        },
        responses={201: s.SeizureDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        """Log a seizure with its lots (nested); lots naming a location are placed at intake.
        JSON, or multipart/form-data with photos of the goods as found: the JSON body in the
        part `seizure`, each lot's photos in parts `lots[N].photos` (N from 0), their SHA-256
        in the lot's first custody event; the notice of detention encloses them."""
        body, files = self._intake_parts(request)
        data = self._valid(inputs.SeizureCreateSerializer, body)
        lot_serializer = inputs.LotInputSerializer()
        lots = [lot_serializer.to_lot_input(lot) for lot in data.pop("lots")]
        for lot, photos in zip(lots, inputs.lot_photos(files, len(lots)), strict=True):
            lot.photos = photos
        seizure = services.create_seizure(actor=request.user, lots=lots, **data)
        return self._detail(seizure, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.SeizureUpdateSerializer,
        responses={200: s.SeizureDetailSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, pk=None):
        """Complete or correct the case data; the deadline is recomputed."""
        seizure = self.get_object()
        serializer = inputs.SeizureUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.update_seizure(seizure=seizure, actor=request.user, **serializer.validated_data)
        return self._detail(seizure)

    @extend_schema(
        request=inputs.SeizureAmendSerializer,
        responses={201: inputs.AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Amend legal facts of the case (administrators): with a reason, kept with the values
        before and after; each lot's chain gets an `amended` event and certificates covering
        them return to the auditors' review queue."""
        seizure = self.get_object()
        data = self._valid(inputs.SeizureAmendSerializer, request.data)
        amendment = services.amend_seizure(seizure=seizure, actor=request.user, **data)
        return Response(inputs.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.AddLotsSerializer,
        responses={201: s.LotSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="lots")
    def add_lots(self, request, pk=None):
        """Add lots to the seizure (numbered after the existing lines)."""
        seizure = self.get_object()
        data = self._valid(inputs.AddLotsSerializer, request.data)
        lot_serializer = inputs.LotInputSerializer()
        lots = services.add_lots(
            seizure=seizure,
            lots=[lot_serializer.to_lot_input(lot) for lot in data["lots"]],
            actor=request.user,
        )
        created = Lot.objects.with_related().filter(pk__in=[lot.pk for lot in lots])
        return Response(s.LotSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ReasonSerializer, responses={200: s.SeizureDetailSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """Place a legal hold: blocks disposal; lots in storage go on hold."""
        seizure = self.get_object()
        data = self._valid(inputs.ReasonSerializer, request.data)
        services.place_hold(seizure=seizure, reason=data["reason"], actor=request.user)
        return self._detail(seizure)

    @extend_schema(
        request=inputs.OptionalReasonSerializer,
        responses={200: s.SeizureDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="lift-hold")
    def lift_hold(self, request, pk=None):
        """Lift the legal hold; lots on hold return to storage."""
        seizure = self.get_object()
        data = self._valid(inputs.OptionalReasonSerializer, request.data)
        services.lift_hold(seizure=seizure, reason=data["reason"], actor=request.user)
        return self._detail(seizure)

    @extend_schema(
        request={"multipart/form-data": inputs.ImportSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A key of your choosing (at most 100 characters), new for each "
                "file: a request repeated with the same key and file answers the first "
                "import's result (201) instead of importing again; the same key with another "
                "file is a 400.",
            )
        ],
        responses={
            201: inputs.ImportResultSerializer,
            400: IMPORT_ROWS_ERROR,
            403: ERROR,
            409: OpenApiResponse(
                IMPORT_ROWS_ERROR,
                description="Possible duplicates: the file was imported before (row with "
                "field `file`) or consignment numbers are already recorded (rows with field "
                "`consignment_number`). Nothing was imported; send the file again with "
                "`confirm_duplicates=true` to import it.",
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=(MultiPartParser, FormParser),
    )
    def import_csv(self, request):
        """Bulk intake from a CSV file: all rows validated first; all or nothing. The delimiter
        and encoding are detected; duplicates need `confirm_duplicates`; the Idempotency-Key
        header makes a retried request answer the first result."""
        data = self._valid(inputs.ImportSerializer, request.data)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise DjangoValidationError(
                {"idempotency_key": [f"Keep the key under {MAX_IDEMPOTENCY_KEY + 1} characters."]}
            )
        try:
            batch = services.import_seizures(
                content=data["file"].read(),
                actor=request.user,
                file_name=data["file"].name or "",
                confirm_duplicates=data["confirm_duplicates"],
                idempotency_key=key,
            )
        except IntakeDuplicates as duplicates:
            body = error_body(
                duplicates.messages[0], {"rows": [e.as_dict() for e in duplicates.rows]}
            )
            return Response(body, status=status.HTTP_409_CONFLICT)
        except IntakeRejected as rejected:
            body = error_body(rejected.messages[0], {"rows": [e.as_dict() for e in rejected.rows]})
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        references = list(batch.seizures.order_by("reference").values_list("reference", flat=True))
        result = {
            "batch": batch.pk,
            "url": request.build_absolute_uri(batch.get_absolute_url()),
            "seizures": len(references),
            "lots": Lot.objects.filter(seizure__intake_batches=batch).count(),
            "references": references,
            "checksum": batch.checksum,
            "encoding": batch.encoding,
            "delimiter": batch.delimiter,
            "duplicates_confirmed": batch.duplicates_confirmed,
        }
        return Response(result, status=status.HTTP_201_CREATED)

    # --- the right holder's answers (its users only; the service checks who answers) ------

    def _act(self, request, service, serializer_class) -> Response:
        seizure = self.get_object()
        data = self._valid(serializer_class, request.data)
        act = service(seizure=seizure, actor=request.user, **data)
        return Response(inputs.RightHolderActSerializer(act).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ConfirmInfringementSerializer,
        responses={201: inputs.RightHolderActSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="confirm-infringement")
    def confirm_infringement(self, request, pk=None):
        """The right holder confirms that the goods infringe its right."""
        return self._act(
            request, services.confirm_infringement, inputs.ConfirmInfringementSerializer
        )

    @extend_schema(
        request=inputs.AgreementSerializer,
        responses={201: inputs.RightHolderActSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="agree-to-destruction")
    def agree_to_destruction(self, request, pk=None):
        """The right holder agrees to destruction, with the date (Art. 23(1)(a)); recorded as
        customs record it, so the goods become eligible alike."""
        return self._act(request, services.agree_to_destruction, inputs.AgreementSerializer)

    @extend_schema(
        request=inputs.RefusalSerializer,
        responses={201: inputs.RightHolderActSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="refuse-destruction")
    def refuse_destruction(self, request, pk=None):
        """The right holder does not agree to destruction, with the reason; 409 once an
        agreement is recorded."""
        return self._act(request, services.refuse_destruction, inputs.RefusalSerializer)

    @extend_schema(
        request=inputs.SampleRequestSerializer,
        responses={201: inputs.RightHolderActSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-samples")
    def request_samples(self, request, pk=None):
        """The right holder asks for samples (Art. 19)."""
        return self._act(request, services.request_samples, inputs.SampleRequestSerializer)

    @extend_schema(
        request=inputs.ExtensionRequestSerializer,
        responses={201: inputs.RightHolderActSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        """The right holder asks for more time to start proceedings, with the reason
        (Art. 23(4)); 409 off the court route."""
        return self._act(request, services.request_extension, inputs.ExtensionRequestSerializer)


class RightHolderActViewSet(FilteredViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """What right holders answered on the cases the user may see (newest first)."""

    serializer_class = inputs.RightHolderActSerializer
    filterset_class = RightHolderActFilterSet
    export_columns = exports.RIGHT_HOLDER_ACT_COLUMNS
    export_name = "right-holder-acts"
    permission_map = {"export": "seizures.view_rightholderact"}

    def get_queryset(self):
        return RightHolderAct.objects.visible_to(self.request.user).select_related("seizure")


class IntakeBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """CSV files imported by the bulk intake, with their seizures and lots; the batch actions
    of the result page: all labels in one PDF, all lots placed by proposal."""

    serializer_class = inputs.IntakeBatchSerializer
    permission_map = {
        "labels": "seizures.print_labels",
        "place": "seizures.move_lot",
    }

    def get_queryset(self):
        user = self.request.user
        return (
            IntakeBatch.objects.visible_to(user)
            .select_related("created_by")
            .prefetch_related(
                Prefetch(
                    "seizures",
                    queryset=Seizure.objects.visible_to(user)
                    .order_by("reference")
                    .prefetch_related(
                        Prefetch(
                            "lots", queryset=Lot.objects.visible_to(user).order_by("reference")
                        )
                    ),
                )
            )
        )

    @extend_schema(responses={**PDF_RESPONSE, 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["get"], content_negotiation_class=FileNegotiation)
    def labels(self, request, pk=None):
        """One PDF sheet with the labels of every lot the file created."""
        batch = self.get_object()
        lots = Lot.objects.visible_to(request.user).with_related()
        lots = lots.filter(seizure__intake_batches=batch)
        return pdf_response(
            labels.lot_labels_pdf(lots.order_by("reference")), f"intake-{batch.pk}-labels.pdf"
        )

    @extend_schema(
        request=None,
        responses={
            200: inputs.ProposedPlacementSerializer(many=True),
            403: ERROR,
            404: ERROR,
            409: OpenApiResponse(
                ERROR, description="A lot was moved or changed meanwhile: nothing was placed."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        """Place every unplaced lot of the file at the first location of its office's
        warehouses that accepts it by the storage rules, in one transaction; each lot with
        the location it went to, or with the reasons it stayed unplaced."""
        batch = self.get_object()
        results = services.place_lots_by_proposal(
            lots=Lot.objects.visible_to(request.user).filter(seizure__intake_batches=batch),
            actor=request.user,
        )
        return Response(inputs.ProposedPlacementSerializer(results, many=True).data)


class LotViewSet(FilteredViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.LotSerializer
    filterset_class = LotFilterSet
    export_columns = exports.LOT_COLUMNS
    export_name = "lots"
    permission_map = {
        "move": "seizures.move_lot",
        "placement_options": "seizures.move_lot",
        "sample": "seizures.sample_lot",
        "release": "seizures.release_lot",
        "reclassify": "seizures.change_lot",
        "condition": "seizures.move_lot",
        "photo": "seizures.view_lot",
        "amend": "seizures.amend_seizure",
        "custody": "seizures.view_custodyevent",
        "labels": "seizures.print_labels",
        "export": "seizures.view_lot",
    }

    def get_queryset(self):
        queryset = Lot.objects.visible_to(self.request.user).with_related()
        if self.action in DETAIL_ACTIONS:
            queryset = queryset.prefetch_related("photos")
        return queryset

    def get_serializer_class(self):
        return s.LotDetailSerializer if self.action == "retrieve" else s.LotSerializer

    def _lot(self, lot: Lot, code=status.HTTP_200_OK, serializer=s.LotSerializer) -> Response:
        return Response(serializer(self.get_queryset().get(pk=lot.pk)).data, status=code)

    @extend_schema(request=inputs.MoveSerializer, responses={200: s.LotSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Place or move the lot; refused with the rule named (X-CC-04, BAT-S1, FOOD-S2,
        ST-CAP) when the storage rules forbid it."""
        lot = self.get_object()
        data = self._valid(inputs.MoveSerializer, request.data)
        services.move_lot(lot=lot, location=data["location"], actor=request.user)
        return self._lot(lot)

    @extend_schema(
        responses={200: inputs.PlacementOptionSerializer(many=True), 403: ERROR, 404: ERROR}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="placement-options",
        filter_backends=(),
        pagination_class=None,
    )
    def placement_options(self, request, pk=None):
        """The active locations that would accept the lot now by the storage rules (hazard
        classes accepted, segregation, capacity), grouped by warehouse, the lot's own first;
        its current location left out. Empty for a lot that cannot be moved."""
        lot = self.get_object()
        among = StorageLocation.objects.visible_to(request.user)
        options = (
            services.placement_options(lot, among=among) if lot.status in MOVABLE_STATUSES else []
        )
        return Response(inputs.PlacementOptionSerializer(options, many=True).data)

    @extend_schema(
        request=inputs.SampleSerializer, responses={201: s.LotSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def sample(self, request, pk=None):
        """Take a sample: a child lot with its own custody chain; answers the sample."""
        lot = self.get_object()
        data = self._valid(inputs.SampleSerializer, request.data)
        sample = services.take_sample(lot=lot, actor=request.user, **data)
        return self._lot(sample, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ReasonSerializer, responses={200: s.LotSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Release the lot from customs control (refused under a legal hold)."""
        lot = self.get_object()
        data = self._valid(inputs.ReasonSerializer, request.data)
        services.release_lot(lot=lot, reason=data["reason"], actor=request.user)
        return self._lot(lot)

    @extend_schema(
        request={
            "application/json": inputs.ConditionSerializer,
            "multipart/form-data": inputs.ConditionSerializer,
        },
        responses={200: s.LotDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def condition(self, request, pk=None):
        """Record that the lot is found damaged, swollen or leaking, or no longer so (X-CC-04,
        BAT-S2): a custody event naming the SHA-256 of each photo sent with it (multipart, parts
        named `photos`; JPEG, PNG or WebP by content); 409 once the lot is destroyed or
        released. Answers the lot with its photos."""
        lot = self.get_object()
        data = self._valid(inputs.ConditionSerializer, request.data)
        services.record_lot_condition(lot=lot, actor=request.user, **data)
        return self._lot(lot, serializer=s.LotDetailSerializer)

    @extend_schema(responses=PHOTO_RESPONSE)
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"photos/(?P<photo_pk>{ID_PATTERN})",
        filter_backends=(),
        content_negotiation_class=FileNegotiation,
    )
    def photo(self, request, pk=None, photo_pk=None):
        """Download a photo of the lot (never served under a public URL; audited)."""
        photo = get_object_or_404(LotPhoto.objects.visible_to(request.user), pk=photo_pk, lot_id=pk)
        return photo_response(photo)

    @extend_schema(
        request=inputs.ReclassifySerializer, responses={200: s.LotSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def reclassify(self, request, pk=None):
        """Correct the waste class, UN hazard classes and intake flags of a lot in storage or on
        hold; refused with the rule named (X-CC-04, BAT-S1, FOOD-S2) when its location cannot
        hold it so classified, 409 when the lot is allocated, in transit or gone."""
        lot = self.get_object()
        data = self._valid(inputs.ReclassifySerializer, request.data)
        services.reclassify_lot(
            lot=lot,
            actor=request.user,
            waste_class=data["waste_class"],
            hazard_classes=data.get("hazard_classes"),
            reason=data["reason"],
            ewc_code=data.get("ewc_code"),
            hp_properties=data.get("hp_properties"),
            **{name: data.get(name) for name in INTAKE_FLAGS},
        )
        return self._lot(lot)

    @extend_schema(
        request=inputs.LotAmendSerializer,
        responses={201: inputs.AmendmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Amend the classification of a lot that has left storage (administrators), with a
        reason; a lot in storage is reclassified instead."""
        lot = self.get_object()
        data = self._valid(inputs.LotAmendSerializer, request.data)
        amendment = services.amend_lot(lot=lot, actor=request.user, **data)
        return Response(inputs.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.CustodyEventSerializer(many=True), 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["get"], filter_backends=(), pagination_class=None)
    def custody(self, request, pk=None):
        """The lot's custody chain, oldest first."""
        lot = self.get_object()
        events = CustodyEvent.objects.filter(lot=lot).select_related(
            "lot", "from_location", "to_location"
        )
        return Response(s.CustodyEventSerializer(events.order_by("sequence"), many=True).data)

    @extend_schema(
        request=inputs.LotLabelsSerializer, responses={**PDF_RESPONSE, 400: ERROR, 403: ERROR}
    )
    @action(detail=False, methods=["post"], content_negotiation_class=FileNegotiation)
    def labels(self, request):
        """A PDF sheet of labels (Code 128 + QR + text) for the given lots."""
        data = self._valid(inputs.LotLabelsSerializer, request.data)
        lots = self.get_queryset().filter(pk__in=[lot.pk for lot in data["lots"]])
        return pdf_response(labels.lot_labels_pdf(lots), "lot-labels.pdf")


class CustodyEventViewSet(FilteredViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only: custody events are appended by the services, never edited."""

    serializer_class = s.CustodyEventSerializer
    filterset_class = CustodyEventFilterSet
    pagination_class = NewestFirstPagination
    export_columns = exports.CUSTODY_COLUMNS
    export_name = "custody-events"
    permission_map = {"export": "seizures.view_custodyevent"}

    def get_queryset(self):
        return (
            CustodyEvent.objects.visible_to(self.request.user)
            .select_related("lot", "from_location", "to_location")
            .order_by("-occurred_at", "-id")
        )


class CustodySealViewSet(viewsets.ReadOnlyModelViewSet):
    """Public, no login: the seals are only counts, hashes and signatures, and an anchor is
    worth something only when others can keep copies of it (as Certificate Transparency logs
    publish their signed tree heads), so that a replaced history no longer matches them."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    serializer_class = s.CustodySealSerializer
    filter_backends = ()
    queryset = CustodySeal.objects.select_related("previous").defer("leaves", "previous__leaves")
