"""The admin of speakers' uploads: send a personal upload link, see what came in, approve or refuse it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from g40events.permissions import CoordinatorScopedAdmin, is_coordinator_only
from sessions import uploads
from sessions.models import SessionSpeaker, SpeakerUpload


class SendUploadLinkForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Spreker en sessie"),
        queryset=SessionSpeaker.objects.none(),
        help_text=_("De link geldt voor deze spreker in deze sessie."),
    )
    email = forms.CharField(
        label=_("E-mailadres van de spreker"),
        max_length=254,
        validators=[validate_email],
        help_text=_("Alleen voor deze e-mail; het adres wordt niet bewaard."),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        self.fields["role"].label_from_instance = lambda role: (
            f"{role.speaker.name} — {role.session.title} ({role.session.event.title})"
        )


@admin.register(SpeakerUpload)
class SpeakerUploadAdmin(CoordinatorScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "speaker", "session", "event", "kind", "status", "submitted_at"]
    list_filter = ["status", ("session__event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["speaker", "session__event"]
    search_fields = ["title", "speaker__name", "session__title"]
    fields = [
        "title",
        "speaker",
        "session",
        "attachment",
        "status",
        "submitted_at",
        "reviewed_at",
        "material",
    ]
    readonly_fields = fields
    actions = ["approve", "reject"]
    change_list_template = "admin/programme/speakerupload/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The page shows the upload; approving and refusing are the actions.
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("programme.change_speakerupload")

    def has_send_link_permission(self, request):
        return request.user.has_perm("programme.add_speakerupload")

    def session_roles(self, request):
        """The speakers of sessions that this user may send a link for."""
        roles = SessionSpeaker.objects.select_related("speaker", "session__event").order_by(
            "-session__event__date", "session__start_time", "session__title", "position"
        )
        if is_coordinator_only(request.user):
            roles = roles.filter(session__theme_groups__coordinators=request.user).distinct()
        return roles

    def scope_for_coordinator(self, request, queryset):
        return queryset.filter(session__theme_groups__coordinators=request.user).distinct()

    @admin.display(description=_("netwerkdag"), ordering="session__event__date")
    def event(self, upload):
        return upload.session.event

    @admin.display(description=_("soort"))
    def kind(self, upload):
        return _("PDF") if upload.file else _("link") if upload.url else "–"

    @admin.display(description=_("PDF of link"))
    def attachment(self, upload):
        if upload.file:
            info = self.opts.app_label, self.opts.model_name
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:{}_{}_file".format(*info), args=[upload.pk]),
                _("PDF bekijken (nog niet openbaar)"),
            )
        if upload.url:
            return format_html('<a href="{0}" rel="noopener noreferrer">{0}</a>', upload.url)
        if upload.material_id:
            return format_html('<a href="{0}">{0}</a>', upload.material.href)
        return "–"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "uploadlink/",
                self.admin_site.admin_view(self.send_link_view),
                name="{}_{}_send_link".format(*info),
            ),
            path(
                "<int:pk>/bestand/",
                self.admin_site.admin_view(self.file_view),
                name="{}_{}_file".format(*info),
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        upload = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, upload):
            raise PermissionDenied
        if not upload.file:
            raise Http404
        response = FileResponse(upload.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="upload.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def send_link_view(self, request):
        if not self.has_send_link_permission(request):
            raise PermissionDenied
        roles = self.session_roles(request)
        initial = {"role": request.GET.get("role")} if request.GET.get("role") else None
        form = SendUploadLinkForm(request.POST or None, roles=roles, initial=initial)
        if request.method == "POST" and form.is_valid():
            role = form.cleaned_data["role"]
            url = uploads.send_upload_link(
                session=role.session,
                speaker=role.speaker,
                email=form.cleaned_data["email"],
                sender_name=request.user.get_full_name() or request.user.get_username(),
            )
            self.message_user(
                request,
                _(
                    "De uploadlink voor %(speaker)s (%(session)s) is verstuurd naar %(email)s. De link werkt %(days)s dagen: %(url)s"
                )
                % {
                    "speaker": role.speaker.name,
                    "session": role.session.title,
                    "email": form.cleaned_data["email"],
                    "days": uploads.link_days(),
                    "url": url,
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:programme_speakerupload_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Uploadlink sturen aan een spreker"),
            "form": form,
            "opts": self.opts,
            "days": uploads.link_days(),
        }
        return TemplateResponse(request, "admin/programme/speakerupload/send_link.html", context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_review_permission(request):
            actions.pop("approve", None)
            actions.pop("reject", None)
        return actions

    @admin.action(description=_("Goedkeuren en publiceren bij de sessie"))
    def approve(self, request, queryset):
        if not self.has_review_permission(request):
            raise PermissionDenied
        pending = list(queryset.pending())
        for upload in pending:
            uploads.approve_upload(upload=upload)
        self.message_user(
            request,
            ngettext(
                "%(count)d upload is goedgekeurd en staat nu bij de sessie.",
                "%(count)d uploads zijn goedgekeurd en staan nu bij hun sessie.",
                len(pending),
            )
            % {"count": len(pending)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Afwijzen (het bestand wordt verwijderd)"))
    def reject(self, request, queryset):
        if not self.has_review_permission(request):
            raise PermissionDenied
        pending = list(queryset.pending())
        for upload in pending:
            uploads.reject_upload(upload=upload)
        self.message_user(
            request,
            ngettext("%(count)d upload is afgewezen.", "%(count)d uploads zijn afgewezen.", len(pending))
            % {"count": len(pending)},
            messages.SUCCESS,
        )
