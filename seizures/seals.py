"""Anchored custody chains (issue 13): signed Merkle roots over every lot's chain head.

A hash chain proves that nobody edited an event *unless* the editor also recomputed every later
hash and the lot's head, which anyone with write access to the database can do. A seal closes
that gap the way Certificate Transparency logs do (RFC 6962): `seal_custody` computes a Merkle
root over the chain heads of all lots and signs it with an Ed25519 key kept outside the
database. Once a seal has been exported (API, `export_custody_seals`), a rewritten and re-hashed
chain no longer gives the hash that was sealed at its sealed length, and a deleted lot is
missing from the chains a seal covers.

Tree (RFC 6962 section 2.1): leaves are the lots with at least one event, ordered by id;
leaf hash = SHA-256(0x00 || lot id (8 bytes, big-endian) || chain length (8 bytes) || head (32
bytes)); node hash = SHA-256(0x01 || left || right); the root of no leaves is SHA-256("").
The signature covers `signed_message`: canonical JSON of the format, time, tree size, root and
the previous seal's signature, so the seals form a chain too.
"""

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from project.errors import TransitionNotAllowed
from seizures.models import CustodySeal, Lot

SEAL_FORMAT = "igt-custody-seal/1"
# One packed leaf: lot id, chain length, head (raw SHA-256).
LEAF = struct.Struct(">QQ32s")

# (lot id, chain length, head hash in hex)
Leaf = tuple[int, int, str]


def leaf_hash(lot_id: int, length: int, head: str) -> bytes:
    return hashlib.sha256(b"\x00" + LEAF.pack(lot_id, length, bytes.fromhex(head))).digest()


def merkle_root(leaf_hashes: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash, bottom-up: pairing neighbours level by level and lifting an
    odd last node unchanged gives the same tree as the RFC's split at the largest power of two
    below n, without recursion."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    level = leaf_hashes
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root_of(leaves: Iterable[Leaf]) -> str:
    return merkle_root([leaf_hash(*leaf) for leaf in leaves]).hex()


def pack_leaves(leaves: Iterable[Leaf]) -> bytes:
    return zlib.compress(
        b"".join(LEAF.pack(lot_id, length, bytes.fromhex(head)) for lot_id, length, head in leaves)
    )


def unpack_leaves(blob: bytes) -> list[Leaf]:
    raw = zlib.decompress(bytes(blob))
    return [(lot_id, length, head.hex()) for lot_id, length, head in LEAF.iter_unpack(raw)]


def signed_message(*, created_at: str, tree_size: int, root: str, previous_signature: str) -> bytes:
    """The exact bytes each seal's signature covers (documented in the README for third
    parties: they check the signature over these bytes with the exported public key)."""
    return json.dumps(
        {
            "format": SEAL_FORMAT,
            "created_at": created_at,
            "tree_size": tree_size,
            "root": root,
            "previous_signature": previous_signature,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def message_of(seal: CustodySeal, previous: CustodySeal | None) -> bytes:
    return signed_message(
        created_at=seal.created_at.isoformat(),
        tree_size=seal.tree_size,
        root=seal.root,
        previous_signature=previous.signature if previous else "",
    )


# --- Keys ------------------------------------------------------------------------------------


def fingerprint(public_key: str) -> str:
    """SHA-256 of the raw public key, hex: what a third party pins."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_pem(public_key: str) -> str:
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def signing_key() -> Ed25519PrivateKey:
    """The private key named by settings.CUSTODY_SEAL_KEY (PEM, PKCS#8)."""
    path = settings.CUSTODY_SEAL_KEY
    if not path or not Path(path).is_file():
        raise ImproperlyConfigured(
            f"No custody seal key at {path or '(CUSTODY_SEAL_KEY unset)'}: set CUSTODY_SEAL_KEY "
            "to an Ed25519 private key in PEM, e.g. made with "
            "`openssl genpkey -algorithm ed25519 -out seal-key.pem`."
        )
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key.")
    return key


def trusted_keys() -> dict[str, str]:
    """fingerprint -> public key (hex) of every key whose seals verify: the public half of the
    signing key when this host has it, and the public keys in CUSTODY_SEAL_TRUSTED_KEYS (PEM
    files: keys used before a rotation, or the only keys of a host that checks but never
    signs)."""
    keys = []
    if settings.CUSTODY_SEAL_KEY and Path(settings.CUSTODY_SEAL_KEY).is_file():
        keys.append(public_hex(signing_key().public_key()))
    for path in settings.CUSTODY_SEAL_TRUSTED_KEYS:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured(f"{path} is not an Ed25519 public key.")
        keys.append(public_hex(key))
    return {fingerprint(key): key for key in keys}


def ensure_demo_key(stdout=None) -> None:
    """Write a fresh key at CUSTODY_SEAL_KEY when there is none (seed_demo; in debug the setting
    defaults to a file under DJANGO_VAR_DIR). An existing key is never replaced: its seals
    would no longer verify."""
    path = Path(settings.CUSTODY_SEAL_KEY) if settings.CUSTODY_SEAL_KEY else None
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Readable by its owner only, from the first byte on.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    if stdout is not None:
        stdout.write(f"Demo custody seal key written to {path}.")


# --- Sealing ---------------------------------------------------------------------------------


def current_leaves() -> list[Leaf]:
    """Every lot's chain head as stored on the lot, in lot id order (one query)."""
    return list(
        Lot.objects.filter(custody_length__gt=0)
        .order_by("pk")
        .values_list("pk", "custody_length", "custody_head")
        .iterator(chunk_size=5000)
    )


def replayed_leaves(seals: Iterable[CustodySeal]) -> dict[int, tuple[int, str]]:
    """lot id -> (length, head) of the last seal given, rebuilt from each seal's changed leaves."""
    sealed: dict[int, tuple[int, str]] = {}
    for seal in seals:
        for lot_id, length, head in unpack_leaves(seal.leaves):
            sealed[lot_id] = (length, head)
    return sealed


def regressions(sealed: dict[int, tuple[int, str]], leaves: list[Leaf]) -> list[str]:
    """Lots whose chain is missing, shorter than sealed, or of the sealed length with another
    head: what no append-only history can produce."""
    now = {lot_id: (length, head) for lot_id, length, head in leaves}
    found = []
    for lot_id, (length, head) in sealed.items():
        current = now.get(lot_id)
        if current is None:
            found.append(f"lot id {lot_id} was sealed with {length} events and has none now")
        elif current[0] < length:
            found.append(f"lot id {lot_id} was sealed with {length} events and has {current[0]}")
        elif current[0] == length and current[1] != head:
            found.append(f"lot id {lot_id}: the head of its {length} events changed")
    return found


def seal_custody() -> CustodySeal:
    """Sign the Merkle root of all chain heads and store it as the newest seal. Refused when
    the chains regressed since the previous seal (a lot gone, a chain shorter or rewritten at
    the sealed length): sealing would launder the tampering. The `previous` one-to-one makes a
    concurrent second seal on the same predecessor fail instead of forking the seals."""
    key = signing_key()
    with transaction.atomic(durable=True):
        seals = list(CustodySeal.objects.order_by("id"))
        previous = seals[-1] if seals else None
        sealed = replayed_leaves(seals)
        leaves = current_leaves()
        found = regressions(sealed, leaves)
        if found:
            raise TransitionNotAllowed(
                f"Custody chains regressed since seal #{previous.pk}; nothing sealed "
                f"(run verify_custody): {'; '.join(found[:10])}."
            )
        seal = CustodySeal(
            created_at=timezone.now(),
            tree_size=len(leaves),
            root=root_of(leaves),
            public_key=public_hex(key.public_key()),
            previous=previous,
            leaves=pack_leaves(
                leaf for leaf in leaves if sealed.get(leaf[0]) != (leaf[1], leaf[2])
            ),
        )
        seal.key_fingerprint = fingerprint(seal.public_key)
        seal.signature = key.sign(message_of(seal, previous)).hex()
        seal.save()
        return seal


# --- Verifying -------------------------------------------------------------------------------


def signature_valid(seal: CustodySeal, previous: CustodySeal | None) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal.public_key)).verify(
            bytes.fromhex(seal.signature), message_of(seal, previous)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def check_seals(
    trusted: dict[str, str],
) -> tuple[list[str], dict[int, dict[int, tuple[str, int]]]]:
    """Check every seal on its own and against the one before it; return the problems and what
    the seals claim about the chains: lot id -> {sealed length: (head, seal id)}, every leaf of
    every seal, for verify_chains to compare with the events. Comparing all of them (not only
    the latest seal's) is the consistency proof between successive seals: an earlier seal's
    head must still be the hash at its length in today's chain, so a chain rewritten and then
    sealed again is caught by the seal before."""
    problems: list[str] = []
    claims: dict[int, dict[int, tuple[str, int]]] = {}
    sealed: dict[int, tuple[int, str]] = {}
    previous = None
    for seal in CustodySeal.objects.order_by("id").iterator(chunk_size=100):
        name = f"seal #{seal.pk}"
        if seal.previous_id != (previous.pk if previous else None):
            problems.append(f"{name} does not follow the seal before it (a seal was removed)")
        if not signature_valid(seal, previous):
            problems.append(f"{name}: the signature does not verify (seal altered)")
        key = seal.key_fingerprint
        if key != fingerprint(seal.public_key) or key not in trusted:
            problems.append(f"{name}: signed by key {key[:16]}…, which is not a trusted key")
        for lot_id, length, head in unpack_leaves(seal.leaves):
            before = sealed.get(lot_id)
            # A seal stores only the leaves that changed: a lot's chain can only have grown.
            if before is not None and before[0] >= length:
                problems.append(f"{name}: lot id {lot_id} is not longer than in an earlier seal")
            sealed[lot_id] = (length, head)
            claims.setdefault(lot_id, {})[length] = (head, seal.pk)
        leaves = [(lot_id, *sealed[lot_id]) for lot_id in sorted(sealed)]
        if seal.tree_size != len(leaves) or seal.root != root_of(leaves):
            problems.append(f"{name}: its stored leaves do not give its signed root (seal altered)")
        previous = seal
    return problems, claims
