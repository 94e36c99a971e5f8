"""Schema errors say what is wrong in the service's own words, on every surface (a walk-through:
the API answered "Input should be a valid dictionary or object to extract fields from" where the
dashboard said "must not be empty")."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticError

from core.brand.kit import parse_kit
from core.errors import ValidationError, plain_words
from core.prefill import validate_prefill


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=5)
    size: int = Field(ge=1, le=10)
    tags: list[str] = Field(default_factory=list, max_length=2)
    meta: dict = Field(default_factory=dict)
    flag: bool = False


@pytest.mark.parametrize("data,expected", [
    ({"size": 1}, "name: is required"),
    ({"name": "", "size": 1}, "name: must not be empty"),
    ({"name": "toolong", "size": 1}, "name: must have at most 5 characters"),
    ({"name": "a", "size": "abc"}, "size: must be a whole number"),
    ({"name": "a", "size": 0}, "size: must be at least 1"),
    ({"name": "a", "size": 11}, "size: must be at most 10"),
    ({"name": "a", "size": 1, "tags": ["x", "y", "z"]}, "tags: must have at most 2 items"),
    ({"name": "a", "size": 1, "tags": "x"}, "tags: must be a list"),
    ({"name": "a", "size": 1, "meta": []}, "meta: must be a JSON object"),
    ({"name": "a", "size": 1, "flag": "maybe"}, "flag: must be true or false"),
    ({"name": 5, "size": 1}, "name: must be text"),
    ({"name": "a", "size": 1, "bogus": 1}, "bogus: is not a known field"),
])
def test_pydantic_errors_in_plain_words(data, expected):
    with pytest.raises(PydanticError) as caught:
        Shape.model_validate(data)
    said = [f"{'.'.join(map(str, e['loc']))}: {plain_words(e)}" for e in caught.value.errors()]
    assert said == [expected]
    assert not any("should" in s or "Input" in s for s in said)


def test_prefill_and_brand_kit_errors_use_the_same_words():
    with pytest.raises(ValidationError) as caught:
        validate_prefill({"headline": "", "cta_text": "Buy"})
    assert "headline: must not be empty" in caught.value.problems
    with pytest.raises(ValidationError) as caught:
        parse_kit({"colors": "red"})
    assert not any("Input should" in p for p in caught.value.problems), caught.value.problems


def test_true_is_no_batch_size_and_an_infinite_one_is_said_in_words():
    # a walk-through: `"batch_size": true` made a batch of 1; 1e400 said "Input should be a finite number"
    from api.schemas import BatchCreate

    for value, said in ((True, "must be a whole number, not true"), (False, "must be a whole number, not false"),
                        (float("inf"), "must be a finite number")):
        with pytest.raises(PydanticError) as caught:
            BatchCreate.model_validate({"sources": [{"url": "https://shop.example/p", "batch_size": value}]})
        assert [plain_words(e) for e in caught.value.errors()] == [said]
    assert BatchCreate.model_validate({"sources": [{"url": "https://shop.example/p", "batch_size": "3"}]})


def test_the_summary_of_a_refused_batch_separates_its_problems_and_counts_the_rest():
    # a walk-through: "4 problems. Row 1: URL must start with http:// or https:// Row 1: batch_size …
    # Row 2: …" — run together, and the fourth not even counted in the message
    from core.batches import validate_sources

    with pytest.raises(ValidationError) as caught:
        validate_sources([{"url": "ftp://a.com", "batch_size": 0}, {"url": "notaurl"},
                          {"url": "https://b.com", "batch_size": 11}])
    message = caught.value.message
    assert message.startswith("The batch was not created: 4 problems: Row 1: URL must start with http:// or "
                              "https://; Row 1: batch_size must be a whole number"), message
    assert message.endswith("; and 1 more") and len(caught.value.problems) == 4


def test_a_body_that_is_no_json_is_refused_after_the_key_is_checked(db, workspace, settings_env):
    # a walk-through: with no key, or a wrong one, a malformed body answered 400 before the 401
    from starlette.testclient import TestClient

    from api.app import app
    from core.api_keys import create_key

    client = TestClient(app, raise_server_exceptions=False)
    bad = b'{"sources": [ {"url": '
    for headers in ({}, {"Authorization": "Bearer ctabs_" + "x" * 32}):
        resp = client.post("/llm-editor/cta/batch/", content=bad,
                           headers={"Content-Type": "application/json", **headers})
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized", resp.text
    _view, key = create_key(workspace, "json")
    resp = client.post("/llm-editor/cta/batch/", content=bad,
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "validation_error", resp.text
