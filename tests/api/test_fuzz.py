"""No input makes the API fail: schemathesis generates requests from the OpenAPI document for
every operation and sends each as every caller (no token, each role's token); every answer
must be a documented, non-5xx response that conforms to its schema.

Its coverage phase tries each bound, each enum value, each required field left out and wrong
types; then a few generated examples. Fixed seed (derandomized), bounded budget: the reads
here, the writes in ``test_fuzz_writes`` (so two test processes share the work); ``make
fuzz`` searches longer. Operations other branches add are picked up from the document.
"""

from hypothesis import HealthCheck, Phase, settings

from .fuzzing import budget, call_and_validate_as_each, schema, tokens

__all__ = ["tokens"]  # the fixture


@schema.include(method="GET").parametrize()
@settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    max_examples=budget(3),
    phases=[Phase.explicit, Phase.generate],
)
def test_no_read_fails_whoever_asks(case, tokens):
    call_and_validate_as_each(case, tokens)
