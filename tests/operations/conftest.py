"""The backup tests' own scratch akimat, onboarded (committed) for their module and dropped after it."""

from collections.abc import Iterator

import pytest

from tenants.models import Akimat
from tests.regional.conftest import OWN_OF_A_MODULE, drop_scratch, onboard_scratch


@pytest.fixture(scope="module")
def scratch_akimats(onboarded, django_db_blocker) -> Iterator[dict[str, Akimat]]:
    with django_db_blocker.unblock():
        akimats = onboard_scratch(OWN_OF_A_MODULE)
    yield akimats
    with django_db_blocker.unblock():
        drop_scratch(akimats)
