"""Disposal method vocabulary (digest B0): each method's waste-hierarchy rank and the WFD
recovery (R) or disposal (D) operation codes a facility permit must list to perform it.

Kept as data in code: the compliance rulebook and the facility checks both read it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_noop


class Method(models.TextChoices):
    REUSE_DONATE = "REUSE_DONATE", "Donation / humanitarian reuse after de-branding"
    REUSE_EDU = "REUSE_EDU", "Kept for awareness, training or reference samples"
    RECYCLE_DISMANTLE = "RECYCLE_DISMANTLE", "Manual dismantling and material separation"
    RECYCLE_SHRED = "RECYCLE_SHRED", "Shredding or granulating, then material recycling"
    RECYCLE_WEEE = "RECYCLE_WEEE", "Permitted WEEE treatment with depollution"
    RECYCLE_BATTERY = "RECYCLE_BATTERY", "Permitted battery recycler"
    RECOVER_AD = "RECOVER_AD", "Anaerobic digestion / biogas"
    RECOVER_SOLVENT = "RECOVER_SOLVENT", "Alcohol or solvent recovery, substitute fuel"
    RECOVER_RDF_KILN = "RECOVER_RDF_KILN", "Refuse-derived fuel / cement-kiln co-processing"
    RECOVER_WTE = "RECOVER_WTE", "Energy-from-waste incineration (R1)"
    INCIN_HAZ_HT = "INCIN_HAZ_HT", "Hazardous-waste incineration at 1100 °C or more, 2 s"
    INCIN_850 = "INCIN_850", "Incineration at 850 °C or more, 2 s, without energy recovery"
    IMMOBILISE = "IMMOBILISE", "Encapsulation or inertisation, then landfill"
    LANDFILL_ENG = "LANDFILL_ENG", "Engineered landfill of treated residue"
    LANDFILL_HAZ = "LANDFILL_HAZ", "Hazardous-waste landfill"
    OPEN_BURN = "OPEN_BURN", "Open-air burning"
    DUMP_BURY = "DUMP_BURY", "Uncontrolled dumping or burial"
    SEWER = "SEWER", "Discharge to sewer or watercourse"
    SALE_AUCTION = "SALE_AUCTION", "Sale or auction"
    EXPORT = "EXPORT", "Export, re-export or free zone"


class HierarchyRank(models.IntegerChoices):
    """Waste-hierarchy rank (WFD Art. 4); lower is better. 1 (prevention) never applies here."""

    PREPARING_FOR_REUSE = 2, "Preparing for re-use"
    RECYCLING = 3, "Recycling"
    OTHER_RECOVERY = 4, "Other recovery"
    DISPOSAL = 5, "Disposal"
    FORBIDDEN = 9, "Forbidden"


@dataclass(frozen=True)
class MethodInfo:
    code: str
    rank: int
    # A facility permit must list at least one of these codes; empty means no permit is needed.
    operations: frozenset[str]
    forbidden: bool = False

    @property
    def recovery(self) -> bool:
        """A recovery, not a disposal (WFD Art. 3(15), (19)): waste awaiting it may be stored
        up to 3 years rather than 1 (Landfill Directive Art. 2(g), X-CC-05 c)."""
        return self.rank < HierarchyRank.DISPOSAL


def _info(code: Method, rank: HierarchyRank, *operations: str) -> MethodInfo:
    return MethodInfo(
        code=code.value,
        rank=rank.value,
        operations=frozenset(operations),
        forbidden=rank == HierarchyRank.FORBIDDEN,
    )


METHODS: dict[str, MethodInfo] = {
    info.code: info
    for info in (
        _info(Method.REUSE_DONATE, HierarchyRank.PREPARING_FOR_REUSE),
        _info(Method.REUSE_EDU, HierarchyRank.PREPARING_FOR_REUSE),
        _info(Method.RECYCLE_DISMANTLE, HierarchyRank.RECYCLING, "R3", "R4", "R5", "R12"),
        # Shredding and granulating prepare material for recycling (R12), which the shredder
        # may also perform itself (R3-R5) (WFD Annex II).
        _info(Method.RECYCLE_SHRED, HierarchyRank.RECYCLING, "R3", "R4", "R5", "R12"),
        _info(Method.RECYCLE_WEEE, HierarchyRank.RECYCLING, "R4", "R5", "R12"),
        _info(Method.RECYCLE_BATTERY, HierarchyRank.RECYCLING, "R4", "R6"),
        # Digestion whose digestate goes on land is recycling (WFD Art. 3(17), Annex II R3).
        _info(Method.RECOVER_AD, HierarchyRank.RECYCLING, "R3"),
        # Digest B0 ranks solvent recovery 3/4; the stricter 4 keeps the hierarchy check honest.
        _info(Method.RECOVER_SOLVENT, HierarchyRank.OTHER_RECOVERY, "R2", "R1"),
        # Pelletising into refuse-derived fuel is R12 (preparation); the kiln burning it, R1.
        _info(Method.RECOVER_RDF_KILN, HierarchyRank.OTHER_RECOVERY, "R1", "R12"),
        _info(Method.RECOVER_WTE, HierarchyRank.OTHER_RECOVERY, "R1"),
        _info(Method.INCIN_HAZ_HT, HierarchyRank.DISPOSAL, "D10"),
        _info(Method.INCIN_850, HierarchyRank.DISPOSAL, "D10"),
        _info(Method.IMMOBILISE, HierarchyRank.DISPOSAL, "D9"),
        _info(Method.LANDFILL_ENG, HierarchyRank.DISPOSAL, "D1", "D5"),
        _info(Method.LANDFILL_HAZ, HierarchyRank.DISPOSAL, "D5"),
        _info(Method.OPEN_BURN, HierarchyRank.FORBIDDEN),
        _info(Method.DUMP_BURY, HierarchyRank.FORBIDDEN),
        _info(Method.SEWER, HierarchyRank.FORBIDDEN),
        _info(Method.SALE_AUCTION, HierarchyRank.FORBIDDEN),
        _info(Method.EXPORT, HierarchyRank.FORBIDDEN),
    )
}

# Every R/D code a permit may list (WFD Annexes I and II).
OPERATION_CODES: tuple[str, ...] = tuple(
    [f"R{n}" for n in range(1, 14)] + [f"D{n}" for n in range(1, 16)]
)

# Each R/D code's name, shortened from Directive 2008/98/EC Annexes I (recovery) and II
# (disposal); the certificate prints the names of the codes it uses (translated in locale/).
OPERATION_NAMES: dict[str, str] = {
    "R1": gettext_noop("Use principally as a fuel or other means to generate energy"),
    "R2": gettext_noop("Solvent reclamation or regeneration"),
    "R3": gettext_noop("Recycling or reclamation of organic substances not used as solvents"),
    "R4": gettext_noop("Recycling or reclamation of metals and metal compounds"),
    "R5": gettext_noop("Recycling or reclamation of other inorganic materials"),
    "R6": gettext_noop("Regeneration of acids or bases"),
    "R7": gettext_noop("Recovery of components used for pollution abatement"),
    "R8": gettext_noop("Recovery of components from catalysts"),
    "R9": gettext_noop("Oil re-refining or other reuses of oil"),
    "R10": gettext_noop("Land treatment resulting in benefit to agriculture or ecology"),
    "R11": gettext_noop("Use of waste obtained from any of the operations R1 to R10"),
    "R12": gettext_noop("Exchange of waste for any of the operations R1 to R11"),
    "R13": gettext_noop("Storage of waste pending any of the operations R1 to R12"),
    "D1": gettext_noop("Deposit into or on to land (e.g. landfill)"),
    "D2": gettext_noop("Land treatment"),
    "D3": gettext_noop("Deep injection"),
    "D4": gettext_noop("Surface impoundment"),
    "D5": gettext_noop("Specially engineered landfill"),
    "D6": gettext_noop("Release into a water body except seas or oceans"),
    "D7": gettext_noop("Release to seas or oceans including sea-bed insertion"),
    "D8": gettext_noop("Biological treatment not specified elsewhere"),
    "D9": gettext_noop("Physico-chemical treatment not specified elsewhere"),
    "D10": gettext_noop("Incineration on land"),
    "D11": gettext_noop("Incineration at sea"),
    "D12": gettext_noop("Permanent storage"),
    "D13": gettext_noop("Blending or mixing prior to any of the operations D1 to D12"),
    "D14": gettext_noop("Repackaging prior to any of the operations D1 to D13"),
    "D15": gettext_noop("Storage pending any of the operations D1 to D14"),
}
