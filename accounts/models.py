"""Which Keycloak identity a Django user is: users are found by (issuer, subject), never by e-mail."""

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
