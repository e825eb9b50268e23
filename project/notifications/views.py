"""Notification pages: my notifications (newest first, marked read when listed), my opt-outs per
kind, and the letters to print for parties without an e-mail address (of the records the user
may see)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView

from project.models import Notification, NotificationKind, NotificationOptOut, NotificationStatus
from project.views import Protected


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = [n.pk for n in context["object_list"] if n.read_at is None]
        # Listed is read: the page shows what was new before this visit.
        Notification.objects.filter(pk__in=shown).update(read_at=timezone.now())
        return context


class LettersOfMyRecords(Protected):
    """Letters to parties without an e-mail address (declarants, right holders), of the records
    the user may see."""

    permission_required = "project.view_notification"

    def get_queryset(self):
        return Notification.objects.filter(status=NotificationStatus.LETTER).visible_to(
            self.request.user
        )


class LetterListView(LettersOfMyRecords, ListView):
    template_name = "notifications/letter_list.html"
    paginate_by = 20


class LetterDetailView(LettersOfMyRecords, DetailView):
    """One letter, to print on its own; another office's letter answers 404."""

    template_name = "notifications/letter_detail.html"
    context_object_name = "letter"


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Notify me of",
    )


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_initial(self):
        off = set(self.request.user.notification_opt_outs.values_list("kind", flat=True))
        return {"kinds": [kind for kind in NotificationKind.values if kind not in off]}

    def form_valid(self, form):
        wanted = set(form.cleaned_data["kinds"])
        user = self.request.user
        user.notification_opt_outs.exclude(kind__in=set(NotificationKind.values) - wanted).delete()
        NotificationOptOut.objects.bulk_create(
            [
                NotificationOptOut(user=user, kind=kind)
                for kind in NotificationKind.values
                if kind not in wanted
            ],
            ignore_conflicts=True,
        )
        messages.success(self.request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
