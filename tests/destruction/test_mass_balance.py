"""The mass-balance tolerance of X-QM-02 at its boundary: a deviation exactly at the tolerance is
accepted, the smallest step beyond it is a breach. The tolerance is the rulebook's (parameters
mass_tolerance_pct 2.0 and mass_tolerance_kg 5.0 of 2026.3): the larger of the two applies."""

from decimal import Decimal

import pytest

from destruction import services

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    ("dispatch", "tolerance"),
    [
        (D("1000"), D("20")),  # 2 % of 1000 kg is above 5 kg
        (D("100"), D("5")),  # 2 % of 100 kg is 2 kg: the 5 kg floor applies
    ],
)
def test_a_gate_weight_exactly_at_the_tolerance_passes_and_one_gram_more_is_a_breach(
    dispatch, tolerance
):
    for gate in (dispatch + tolerance, dispatch - tolerance):
        at = services.mass_balance(dispatch_kg=dispatch, gate_kg=gate, output_kg=gate)
        assert (at.tolerance_dispatch_kg, at.breaches) == (tolerance, ())
    gate = dispatch + tolerance + D("0.001")
    beyond = services.mass_balance(dispatch_kg=dispatch, gate_kg=gate, output_kg=gate)
    assert [breach.startswith("X-QM-02: gate weight") for breach in beyond.breaches] == [True]


def test_outputs_exactly_at_the_tolerance_of_the_gate_weight_pass_and_one_gram_more_breach():
    gate = D("1000")
    at = services.mass_balance(dispatch_kg=None, gate_kg=gate, output_kg=gate - D("20"))
    beyond = services.mass_balance(dispatch_kg=None, gate_kg=gate, output_kg=gate - D("20.001"))

    assert (at.tolerance_gate_kg, at.breaches) == (D("20"), ())
    assert [breach.startswith("X-QM-02: output fractions") for breach in beyond.breaches] == [True]


def test_the_tolerance_is_the_rulebook_parameter(settings):
    settings.COMPLIANCE_PARAMETERS = {"mass_tolerance_pct": 1.0, "mass_tolerance_kg": 0.0}

    at = services.mass_balance(dispatch_kg=D("1000"), gate_kg=D("1010"), output_kg=D("1010"))
    beyond = services.mass_balance(
        dispatch_kg=D("1000"), gate_kg=D("1010.001"), output_kg=D("1010.001")
    )

    assert (at.tolerance_dispatch_kg, at.breaches) == (D("10"), ())
    assert len(beyond.breaches) == 1


def test_without_the_rulebook_hook_every_deviation_needs_a_justification(settings):
    settings.MASS_BALANCE_TOLERANCE = ""

    exact = services.mass_balance(dispatch_kg=D("100"), gate_kg=D("100"), output_kg=D("100"))
    off = services.mass_balance(dispatch_kg=D("100"), gate_kg=D("100.001"), output_kg=D("100"))

    assert exact.breaches == ()
    assert len(off.breaches) == 2
