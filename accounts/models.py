"""Which Keycloak identity a Django user is (users are found by (issuer, subject), never by e-mail),
and what the identity says about their work beyond roles (the organisation they work for)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OIDCIdentity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    first_login_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "OIDC identity"
        verbose_name_plural = "OIDC identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"


class StaffProfile(models.Model):
    """The organisation a person works for, as their identity says: copied from the access token's
    `organisation` claim at every Keycloak login; set by hand for local development users."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    organisation = models.CharField(
        max_length=60, blank=True, help_text="code of the organisation in this akimat's catalogue"
    )
    # The console language the person chose (kk or ru); blank: the browser's. Not from Keycloak:
    # a login must not undo the person's own choice.
    language = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        verbose_name = "staff profile"

    def __str__(self) -> str:
        return f"{self.user}: {self.organisation or '—'}"
