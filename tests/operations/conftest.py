"""The regional tests' scratch akimats (committed, dropped at the end of the run) serve here too."""

from tests.regional.conftest import scratch_akimats  # noqa: F401 (a fixture)
