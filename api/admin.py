from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff issue partners' tokens: the token is shown once, on creation; only its hash is kept."""

    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    search_fields = ["name", "prefix"]
    fields = ["name", "rate_limit", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = ApiToken.issue(name=obj.name, created_by=request.user, rate_limit=obj.rate_limit)
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        obj._state.adding = False
        self.message_user(
            request,
            _("The token for “%(name)s” is %(token)s — copy it now: it is not stored and will not be shown again.")
            % {"name": token.name, "token": raw},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": count})


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple, label=_("Events")
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every event sent to each endpoint, its attempts and the endpoint's answer."""

    list_display = ["created_at", "endpoint", "event", "status", "attempts", "response_status", "last_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "endpoint", "event", "event_id", "payload", "status", "attempts", "response_status", "error",
        "created_at", "last_attempt_at", "next_attempt_at",
    ]  # fmt: skip
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("api.change_webhookendpoint")

    @admin.action(description=_("Send selected deliveries again"), permissions=["resend"])
    def send_again(self, request, queryset):
        from .webhooks import dispatch

        pks = list(queryset.values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=pks).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=None
        )
        transaction.on_commit(lambda: dispatch(pks))
        self.message_user(request, _("%(count)d delivery(ies) queued again.") % {"count": len(pks)})
