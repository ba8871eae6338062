"""No input makes the API fail: the writes (POST, PATCH, DELETE), as ``test_fuzz`` does the
reads, each generated request sent as every caller."""

from hypothesis import HealthCheck, Phase, settings

from .fuzzing import budget, call_and_validate_as_each, schema, tokens

__all__ = ["tokens"]  # the fixture


@schema.exclude(method="GET").parametrize()
@settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    max_examples=budget(3),
    phases=[Phase.explicit, Phase.generate],
)
def test_no_write_fails_whoever_sends_it(case, tokens):
    call_and_validate_as_each(case, tokens)
