"""The administration's electronic seal on the PDFs it issues (PAdES, ETSI EN 319 142).

The seal certificate, its key and its chain come from a PKCS#12 file (`CERTIFICATE_SEAL_P12`,
passphrase `CERTIFICATE_SEAL_PASSWORD`). Sealing adds an incremental revision with a visible
signature block; with `CERTIFICATE_TSA_URL` a timestamp authority countersigns (PAdES-B-T),
otherwise the seal carries the signing time only (PAdES-B-B).

Without a configured seal, documents stay unsealed while `DEBUG` is on (a development set-up
and the demo, which makes its own demo seal); with `DEBUG` off sealing refuses: a customs
administration does not hand out certificates that a recipient cannot check offline.

`make_seal_bundle` creates a throwaway CA and seal certificate (EC P-256) for the demo and the
tests; production uses the certificate of a trust service provider.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from reportlab.platypus.flowables import Flowable

T = TypeVar("T")

SEAL_FIELD = "Seal"
# The demo seal lives under the var directory; its passphrase protects nothing of value.
DEMO_SEAL_PASSWORD = "demo-seal"  # noqa: S105 - a demo key made on the demo machine
DEMO_SEAL_FILE = "demo-seal.p12"
DEMO_CA_FILE = "demo-seal-ca.pem"
# Wide enough for an office name on one line at the stamp's font size.
SEAL_WIDTH = 95 * 72 / 25.4
SEAL_HEIGHT = 20 * 72 / 25.4


class SealUnavailable(Exception):
    """No usable seal while one is required, the configured one cannot be read, or the
    timestamp authority did not answer: the document is not issued."""


@dataclass(frozen=True)
class SealBox:
    """Where the visible seal goes: a page index (0-based) and a box in PDF points."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Seal:
    """The loaded signer, with the certificates a verifier trusts (the top of its chain)."""

    signer: signers.SimpleSigner
    certificate: x509.Certificate
    trust_roots: tuple[x509.Certificate, ...]

    @property
    def signer_name(self) -> str:
        return common_name(self.certificate.subject)

    def trust_pem(self) -> bytes:
        return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in self.trust_roots)


@dataclass(frozen=True)
class SealStatus:
    """What validating a PDF's seal found. `valid`: intact (the signed bytes unchanged and no
    later revision altering the sealed content), by the configured seal certificate and chaining
    to its trust roots. `signed_revision_sha256` is the SHA-256 of the bytes the
    seal covers (the document as sealed), which identifies the sealed content even when a later
    tool appended an incremental update."""

    present: bool
    valid: bool = False
    intact: bool = False
    trusted: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    covers_whole_file: bool = False
    signed_revision_sha256: str = ""

    def as_public(self) -> dict[str, object]:
        return {
            "present": self.present,
            "valid": self.valid,
            "signer": self.signer,
            "signed_at": self.signed_at,
        }


class SealPlace(Flowable):
    """Blank room for the visible seal at the end of the document; it notes the page and box
    where it was drawn, so the seal added afterwards (seal.seal_pdf) lands exactly there."""

    def __init__(self) -> None:
        super().__init__()
        self.box: SealBox | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return SEAL_WIDTH, SEAL_HEIGHT

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.box = SealBox(self.canv.getPageNumber() - 1, x, y, x + SEAL_WIDTH, y + SEAL_HEIGHT)


def outside_event_loop(function: Callable[[], T]) -> T:
    """Run pyHanko's synchronous API, which calls asyncio.run(): that refuses to start inside a
    running event loop (an ASGI worker, Playwright's sync API in the browser tests), so there it
    runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def common_name(name: x509.Name) -> str:
    attributes = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attributes[0].value) if attributes else name.rfc4514_string()


def demo_seal_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-seal" / DEMO_SEAL_FILE


def configured_source() -> tuple[str, str] | None:
    """(PKCS#12 path, passphrase) of the seal in use: the configured one, else the demo seal
    while debug is on and `make_demo_seal` made one."""
    if settings.CERTIFICATE_SEAL_P12:
        return settings.CERTIFICATE_SEAL_P12, settings.CERTIFICATE_SEAL_PASSWORD
    demo = demo_seal_path()
    if settings.DEBUG and demo.exists():
        return str(demo), DEMO_SEAL_PASSWORD
    return None


def current_seal() -> Seal | None:
    """The seal in use, or None when none is configured (and none required)."""
    source = configured_source()
    if source is None:
        if not settings.DEBUG:
            raise SealUnavailable(
                "No certificate seal is configured: set CERTIFICATE_SEAL_P12 and "
                "CERTIFICATE_SEAL_PASSWORD (documents are not issued unsealed in production)."
            )
        return None
    path, password = source
    try:
        return load_seal(path, password, Path(path).stat().st_mtime_ns)
    except (OSError, ValueError) as error:
        raise SealUnavailable(
            f"The certificate seal {path} cannot be read ({error}); check CERTIFICATE_SEAL_P12 "
            "and CERTIFICATE_SEAL_PASSWORD."
        ) from error


@lru_cache(maxsize=4)
def load_seal(path: str, password: str, _modified: int) -> Seal:
    """Read the PKCS#12 once per file version (the modification time is part of the key)."""
    data = Path(path).read_bytes()
    key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode())
    if key is None or certificate is None:
        raise ValueError("the file holds no key and certificate")
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode())
    if signer is None:
        raise ValueError("pyHanko cannot load it")
    # Trust the self-signed tops of the chain; a chain without one (or none at all) trusts the
    # certificates it has, so that verification never trusts less than what signed.
    roots = tuple(c for c in chain if c.issuer == c.subject) or tuple(chain) or (certificate,)
    return Seal(signer=signer, certificate=certificate, trust_roots=roots)


def seal_pdf(pdf: bytes, *, office: str, reason: str, box: SealBox) -> bytes:
    """The PDF with the administration's seal added as an incremental revision (unchanged when
    no seal is configured and debug is on). The visible block names the office and the time."""
    seal = current_seal()
    if seal is None:
        return pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=office,
        name=seal.signer_name,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(settings.CERTIFICATE_TSA_URL)
        if settings.CERTIFICATE_TSA_URL
        else None
    )
    style = TextStampStyle(
        stamp_text=("Electronic seal of %(office)s\nSigned by %(signer)s\n%(ts)s\n%(level)s"),
        timestamp_format="%Y-%m-%d %H:%M:%S %Z",
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=seal.signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            SEAL_FIELD, box=(box.x1, box.y1, box.x2, box.y2), on_page=box.page
        ),
    )
    try:
        output = outside_event_loop(
            lambda: pdf_signer.sign_pdf(
                writer,
                appearance_text_params={
                    "office": office,
                    "signer": seal.signer_name,
                    "level": "PAdES-B-T (timestamped)" if timestamper else "PAdES-B-B",
                },
            )
        )
    except timestamps.TimestampRequestError as error:
        raise SealUnavailable(
            f"The timestamp authority {settings.CERTIFICATE_TSA_URL} did not answer ({error}); "
            "try again later or check CERTIFICATE_TSA_URL."
        ) from error
    return output.getvalue()


def validate_seal(pdf: bytes) -> SealStatus:
    """Validate the seal of a PDF against the configured seal: intact, chaining to its trust
    roots, and signed with the configured seal certificate (a certificate of the same subject
    after a renewal counts). Never raises on a malformed or unsealed file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = [s for s in reader.embedded_signatures if s.field_name == SEAL_FIELD]
    except Exception:  # any unreadable upload is simply "no seal"
        return SealStatus(present=False)
    if not embedded:
        return SealStatus(present=False)
    signature = embedded[-1]
    try:
        seal = current_seal()
    except SealUnavailable:
        seal = None
    revision = signed_revision(pdf, signature.byte_range)
    signer_cert = signature.signer_cert
    signer = signer_cert.subject.native.get("common_name", "") if signer_cert else ""
    if seal is None:
        return SealStatus(
            present=True, signer=signer, signed_revision_sha256=hashlib.sha256(revision).hexdigest()
        )
    context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in (*seal.trust_roots, *timestamp_trust())
        ],
        allow_fetching=False,
    )
    try:
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception:  # a damaged signature structure is a broken seal
        return SealStatus(present=True, signer=signer)
    same_seal = (
        signer_cert is not None
        and x509.load_der_x509_certificate(signer_cert.dump()).subject == seal.certificate.subject
    )
    # The time of a timestamp whose authority is trusted (B-T), else the time the seal states.
    stamp = status.timestamp_validity
    timestamped = bool(stamp and stamp.intact and stamp.valid and stamp.trusted)
    signed_at = stamp.timestamp if timestamped else status.signer_reported_dt
    # docmdp_ok: pyHanko's difference analysis found no change to the sealed content in later
    # revisions (a new page content stream laid over the sealed page fails it; metadata, a
    # further signature or an annotation pass).
    intact = bool(status.intact and status.valid and status.docmdp_ok)
    return SealStatus(
        present=True,
        valid=bool(intact and status.trusted and same_seal),
        intact=intact,
        trusted=bool(status.trusted and same_seal),
        signer=signer,
        signed_at=signed_at,
        timestamped=timestamped,
        covers_whole_file=signature.byte_range[-2] + signature.byte_range[-1] == len(pdf),
        signed_revision_sha256=hashlib.sha256(revision).hexdigest(),
    )


def timestamp_trust() -> tuple[x509.Certificate, ...]:
    """The roots of the timestamp authority (`CERTIFICATE_TSA_TRUST`, a PEM bundle), so that
    verification trusts the time of a B-T seal; unset or unreadable: the seal still validates,
    with the time it states."""
    path = settings.CERTIFICATE_TSA_TRUST
    if not path:
        return ()
    try:
        return load_pem_bundle(path, Path(path).stat().st_mtime_ns)
    except (OSError, ValueError):
        return ()


@lru_cache(maxsize=4)
def load_pem_bundle(path: str, _modified: int) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))


def signed_revision(pdf: bytes, byte_range: list[int]) -> bytes:
    """The bytes of the document up to the end of the sealed revision (the ByteRange's end)."""
    return pdf[: byte_range[2] + byte_range[3]]


def make_seal_bundle(
    directory: Path,
    *,
    organisation: str,
    password: str,
    p12_name: str = DEMO_SEAL_FILE,
    ca_name: str = DEMO_CA_FILE,
    valid_days: int = 3650,
) -> tuple[Path, Path]:
    """A CA and a seal certificate it issues (EC P-256), written as a PKCS#12 (key, certificate,
    CA) and the CA's PEM: for the demo and the tests, never a production seal."""
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    until = now + datetime.timedelta(days=valid_days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name_ = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} demo seal CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name_)
        .issuer_name(ca_name_)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} certificate seal"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                ]
            )
        )
        .issuer_name(ca_name_)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    p12 = directory / p12_name
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal",
            seal_key,
            seal,
            [ca],
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    p12.chmod(0o600)
    ca_pem = directory / ca_name
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, ca_pem


def key_usage(**enabled: bool) -> x509.KeyUsage:
    flags = {
        name: enabled.get(name, False)
        for name in (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        )
    }
    return x509.KeyUsage(**flags)
