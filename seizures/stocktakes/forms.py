"""Forms of the stocktake pages: each one feeds one service."""

from django import forms

from seizures.forms import IdChoiceField, LocationChoiceField
from seizures.models import StorageLocation, Warehouse
from seizures.models.stocktakes import Resolution
from seizures.stocktakes.services import MAX_NOTE


class OpenStocktakeForm(forms.Form):
    warehouse = IdChoiceField(queryset=Warehouse.objects.all())
    zone = LocationChoiceField(
        queryset=StorageLocation.objects.filter(kind=StorageLocation.Kind.ZONE),
        required=False,
        help_text="Leave empty to count the whole warehouse.",
    )
    note = forms.CharField(max_length=MAX_NOTE, required=False, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The warehouses and zones of the user's offices (seizures.scoping).
        for name in ("warehouse", "zone"):
            field = self.fields[name]
            field.queryset = field.queryset.visible_to(user)


class StocktakeScanForm(forms.Form):
    code = forms.CharField(
        label="Scan a code",
        max_length=60,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}
        ),
        help_text="Scan a location label, then every lot label you find there.",
    )


class ResolveForm(forms.Form):
    lot = forms.CharField(widget=forms.HiddenInput, max_length=50)
    resolution = forms.ChoiceField(choices=Resolution.choices)
    location = forms.CharField(
        max_length=40,
        required=False,
        label="Found at (location code)",
        help_text="For a lot found elsewhere.",
    )
    note = forms.CharField(max_length=MAX_NOTE, widget=forms.TextInput)


class CancelStocktakeForm(forms.Form):
    reason = forms.CharField(max_length=MAX_NOTE)
