"""Who may do what to an incident: the matrix every service reads."""

import pytest

from forewarn.incidents.access import NEEDED, Action, may, refusal

MATRIX = {
    # action: (viewer, responder, communicator, admin)
    Action.OPEN: (False, True, True, True),
    Action.ACKNOWLEDGE: (False, True, True, True),
    Action.POST_UPDATE: (False, True, True, True),
    Action.RECLASSIFY: (False, True, True, True),
    Action.SET_VISIBILITY: (False, False, True, True),
    Action.SET_CAUSE: (False, False, True, True),
    Action.ASSIGN: (False, True, True, True),
    Action.ESCALATE: (False, True, True, True),
    Action.RESOLVE: (False, True, True, True),
    Action.REOPEN: (False, True, True, True),
    Action.WRITE_POSTMORTEM: (False, True, True, True),
    Action.PUBLISH_POSTMORTEM: (False, False, True, True),
    Action.CONFIGURE: (False, False, False, True),
}


def test_every_action_is_in_the_matrix():
    assert set(MATRIX) == set(Action) == set(NEEDED)


@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_what_the_matrix_says(action):
    roles = ("viewer", "responder", "communicator", "admin")
    assert tuple(may(role, action) for role in roles) == MATRIX[action]
    assert not may(None, action)
    assert not may("owner", action)


def test_a_refusal_says_which_role_is_needed():
    assert refusal("responder", Action.SET_VISIBILITY) == (
        "To change an incident's visibility needs the 'communicator' role or above; "
        "you have the 'responder' role."
    )
    assert refusal(None, Action.POST_UPDATE) == (
        "To post an update needs the 'responder' role or above; you have no staff role."
    )
    assert refusal("admin", Action.CONFIGURE) is None
