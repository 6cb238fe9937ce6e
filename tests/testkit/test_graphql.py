"""testkit.graphql: an answer passes data_of only when nothing was refused, and refusal only when it
names exactly the one expected refusal."""

from __future__ import annotations

import pytest

from testkit.graphql import data_of, refusal

TOP_LEVEL = {
    "data": {"appeal": None},
    "errors": [{"message": "m", "extensions": {"code": "forbidden", "field": "number"}}],
}
TYPED = {
    "data": {
        "startWork": {
            "appeal": None,
            "errors": [{"field": "status", "code": "invalid_transition", "message": "m"}],
        }
    }
}


def test_data_of_returns_the_data_of_a_clean_answer():
    clean = {"data": {"startWork": {"appeal": {"status": "IN_PROGRESS"}, "errors": []}}}
    assert data_of(clean) == clean["data"]


@pytest.mark.parametrize("answer", [TOP_LEVEL, TYPED, {"data": None}])
def test_data_of_fails_on_any_refusal(answer):
    with pytest.raises(AssertionError):
        data_of(answer)


def test_refusal_reads_top_level_errors_with_their_field():
    assert refusal(TOP_LEVEL, "forbidden", "number")["message"] == "m"
    with pytest.raises(AssertionError, match="expected field None"):
        refusal(TOP_LEVEL, "forbidden")
    with pytest.raises(AssertionError, match="expected code"):
        refusal(TOP_LEVEL, "not_found", "number")


def test_refusal_reads_typed_errors_and_wants_the_rest_of_the_payload_empty():
    assert refusal(TYPED, "invalid_transition", "status")["code"] == "invalid_transition"
    with pytest.raises(AssertionError, match="expected field 'number'"):
        refusal(TYPED, "invalid_transition", "number")
    half_done = {
        "data": {"startWork": {"appeal": {"status": "X"}, "errors": TYPED["data"]["startWork"]["errors"]}}
    }
    with pytest.raises(AssertionError, match="returned"):
        refusal(half_done, "invalid_transition", "status")


def test_refusal_wants_exactly_one_error():
    two = {"errors": [TOP_LEVEL["errors"][0], TOP_LEVEL["errors"][0]]}
    with pytest.raises(AssertionError, match="expected one refusal, got 2"):
        refusal(two, "forbidden", "number")
    with pytest.raises(AssertionError, match="no typed errors"):
        refusal({"data": {"startWork": {"appeal": None}}}, "forbidden")
