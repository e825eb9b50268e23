"""Certificate pages (list, detail, PDF, issue, revoke, re-issue) and the public verification."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import DetailView, FormView, ListView, View

from destruction.certificates.api.views import VerifyThrottle, pdf_response
from destruction.certificates.filtersets import CertificateFilterSet
from destruction.certificates.forms import (
    IssueCertificateForm,
    ReissueCertificateForm,
    RevokeCertificateForm,
    VerifyLookupForm,
    VerifyUploadForm,
)
from destruction.certificates.seal import SealUnavailable, current_seal, validate_seal
from destruction.certificates.services import (
    check_upload,
    issue_certificate,
    public_status,
    reissue_certificate,
    revoke_certificate,
    verifiable,
)
from destruction.models import Certificate
from project.errors import TransitionNotAllowed


def add_service_error(form, error: Exception) -> None:
    """Show a service's refusal on the form: field errors where the form has the field."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error))


class CertificateListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "destruction.view_certificate"
    template_name = "destruction/certificates/certificate_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = CertificateFilterSet(
            self.request.GET or None,
            queryset=Certificate.objects.visible_to(self.request.user).for_list(),
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Certificate.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filterset.form, **kwargs)


class CertificateMixin(LoginRequiredMixin, PermissionRequiredMixin):
    def certificate(self) -> Certificate:
        if not hasattr(self, "_certificate"):
            self._certificate = get_object_or_404(
                Certificate.objects.visible_to(self.request.user).for_list().defer(None),
                number=self.kwargs["number"],
            )
        return self._certificate


class CertificateDetailView(CertificateMixin, DetailView):
    permission_required = "destruction.view_certificate"
    template_name = "destruction/certificates/certificate_detail.html"
    context_object_name = "certificate"

    def get_object(self, queryset=None):
        return self.certificate()

    def get_context_data(self, **kwargs):
        certificate = self.object
        user = self.request.user
        return super().get_context_data(
            snapshot=certificate.snapshot,
            seal=validate_seal(bytes(certificate.pdf)),
            reviews=certificate.reviews.select_related("reviewer"),
            can_revoke=user.has_perm("destruction.revoke_certificate")
            and certificate.status == "valid",
            can_reissue=user.has_perm("destruction.revoke_certificate")
            and certificate.status == "revoked",
            revoke_form=RevokeCertificateForm(),
            reissue_form=ReissueCertificateForm(),
            **kwargs,
        )


class CertificatePdfView(CertificateMixin, View):
    permission_required = "destruction.view_certificate"

    def get(self, request, number: str) -> HttpResponse:
        return pdf_response(
            get_object_or_404(Certificate.objects.visible_to(request.user), number=number)
        )


class ServiceFormView(FormView):
    """A form whose valid data goes to one service; the service's refusals become form errors."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.result = self.call_service(form.cleaned_data)
        except (ValidationError, TransitionNotAllowed) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(result=self.result))
        return redirect("certificates:detail", number=self.result.number)


class IssueCertificateView(LoginRequiredMixin, PermissionRequiredMixin, ServiceFormView):
    permission_required = "destruction.issue_certificate"
    template_name = "destruction/certificates/certificate_issue.html"
    form_class = IssueCertificateForm
    success_message = "Certificate {result.number} issued."

    def get_initial(self):
        return {"order": self.request.GET.get("order", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def call_service(self, data) -> Certificate:
        return issue_certificate(order=data["order"], actor=self.request.user)


class RevokeCertificateView(CertificateMixin, ServiceFormView):
    permission_required = "destruction.revoke_certificate"
    template_name = "destruction/certificates/certificate_revoke.html"
    form_class = RevokeCertificateForm
    success_message = "Certificate {result.number} revoked."

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate(), **kwargs)

    def call_service(self, data) -> Certificate:
        return revoke_certificate(
            certificate=self.certificate(), reason=data["reason"], actor=self.request.user
        )


class ReissueCertificateView(CertificateMixin, ServiceFormView):
    permission_required = "destruction.revoke_certificate"
    template_name = "destruction/certificates/certificate_reissue.html"
    form_class = ReissueCertificateForm
    success_message = "Certificate {result.number} issued; it supersedes the revoked one."

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate(), **kwargs)

    def call_service(self, data) -> Certificate:
        return reissue_certificate(
            certificate=self.certificate(), note=data["note"], actor=self.request.user
        )


# --- public ------------------------------------------------------------------------------------


def throttled(request) -> HttpResponse | None:
    """The API's "verify" rate limit applied to the public pages: one budget per client."""
    throttle = VerifyThrottle()
    if throttle.allow_request(request, None):
        return None
    response = render(
        request,
        "destruction/certificates/verify_throttled.html",
        {"wait": int(throttle.wait() or 60)},
    )
    response.status_code = 429
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


@require_safe
def verify_lookup(request) -> HttpResponse:
    """Public: type the code printed on a certificate to open its verification page."""
    form = VerifyLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(
        request,
        "destruction/certificates/verify_lookup.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def verify(request, code: str) -> HttpResponse:
    """Public: the status of a certificate and of its seal, and the check of an uploaded PDF
    (byte-identical, or a valid seal over the genuine content)."""
    refused = throttled(request)
    if refused:
        return refused
    certificate = verifiable(code)
    form, result = VerifyUploadForm(), None
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = check_upload(certificate, form.cleaned_data["file"])
    return render(
        request,
        "destruction/certificates/verify.html",
        {
            "status": public_status(certificate),
            "form": form,
            "result": result,
            "action": reverse("certificates:verify", args=[code]),
            "seal_available": seal_trust_pem() is not None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def seal_trust_pem() -> bytes | None:
    try:
        seal = current_seal()
    except SealUnavailable:
        return None
    return seal.trust_pem() if seal else None


@require_safe
def seal_certificate(request) -> HttpResponse:
    """Public: the CA certificate (PEM) of the seal, for a PDF reader's trust list or
    `pyhanko sign validate --trust`."""
    pem = seal_trust_pem()
    if pem is None:
        raise Http404("No certificate seal is configured.")
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="certificate-seal-ca.pem"'
    return response
