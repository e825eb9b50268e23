"""The custody hashes frozen in certificates, checked against the chains (issue 13).

Each certificate's snapshot holds, per lot, the sequence and hash of the newest custody event
when it was issued. The chain may grow after issue (the `certified` event itself, a revocation),
but the event at that sequence must still carry that hash: otherwise the history the certificate
vouches for was rewritten. `verify_custody` runs this through settings.CUSTODY_VERIFICATION_CHECKS
(seizures does not import destruction).
"""

from itertools import islice

from destruction.models import Certificate
from seizures.custody import BrokenLink
from seizures.models import CustodyEvent

# Frozen hashes compared per query.
BATCH = 1000


def frozen_hashes() -> list[tuple[str, str, int, str]]:
    """(certificate number, lot reference, custody sequence, custody hash) of every lot of
    every certificate, revoked and superseded ones included: they were issued too."""
    claims = []
    rows = Certificate.objects.order_by("id").values_list("number", "snapshot")
    for number, snapshot in rows.iterator(chunk_size=100):
        claims.extend(
            (number, lot["reference"], lot["custody_sequence"], lot["custody_hash"])
            for lot in snapshot.get("lots", [])
        )
    return claims


def certificate_problems() -> list[BrokenLink]:
    """One problem per certified lot whose chain no longer holds the frozen hash."""
    problems = []
    claims = iter(frozen_hashes())
    while batch := list(islice(claims, BATCH)):
        events = CustodyEvent.objects.filter(
            lot__reference__in={reference for _, reference, _, _ in batch},
            sequence__in={sequence for _, _, sequence, _ in batch},
        ).values_list("lot__reference", "sequence", "hash")
        found = {(reference, sequence): digest for reference, sequence, digest in events}
        for number, reference, sequence, digest in batch:
            actual = found.get((reference, sequence))
            if actual is None:
                reason = f"certificate {number} froze event #{sequence}, which is gone"
            elif actual != digest:
                reason = f"differs from the hash frozen in certificate {number} (chain rewritten)"
            else:
                continue
            problems.append(BrokenLink(reference, sequence, reason))
    return problems
