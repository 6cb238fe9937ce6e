"""Keeping a 112 centre's CAD secret: rotation with an overlap, so the CAD can switch at its pace.

From the rotation on, iKOMEK signs with the new secret; the CAD's callbacks are accepted with the
new one and, until the overlap ends, with the one before (`EmergencyCentre.accepted_secrets`).
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from federation.emergency_112.models import EmergencyCentre

MIN_SECRET_LENGTH = 32


class RotationRefused(Exception):
    """A rotation that cannot be done, with the reason."""


def rotate_secret(
    slug: str, *, overlap: datetime.timedelta, new_secret: str | None = None
) -> tuple[EmergencyCentre, str]:
    """The centre with its new secret (generated unless given) and that secret, shown once."""
    if overlap < datetime.timedelta(0):
        raise RotationRefused("the overlap cannot be negative")
    secret = new_secret or secrets.token_urlsafe(48)
    if len(secret) < MIN_SECRET_LENGTH:
        raise RotationRefused(f"a secret needs at least {MIN_SECRET_LENGTH} characters")
    with transaction.atomic():
        centre = EmergencyCentre.objects.select_for_update().filter(slug=slug).first()
        if centre is None:
            raise RotationRefused(f"no 112 centre {slug!r}")
        if secret == centre.secret:
            raise RotationRefused("the new secret is the current one")
        if centre.secret and overlap:
            centre.previous_secret = centre.secret
            centre.previous_secret_until = timezone.now() + overlap
        else:
            centre.previous_secret, centre.previous_secret_until = "", None
        centre.secret = secret
        centre.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return centre, secret
