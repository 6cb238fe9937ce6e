"""Where the repository's own files are, for tests and benchmarks wherever they sit."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPHQL = ROOT / "graphql"
OPERATIONS = GRAPHQL / "operations"
