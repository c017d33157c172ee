"""Object permissions on speakers (django-rules): a theme-group coordinator may view and edit the
speakers of the sessions of their own theme groups; organisers keep their model permissions."""

import rules
from django.contrib.auth.backends import ModelBackend

from g40events.permissions import is_coordinator_only

_model_backend = ModelBackend()


@rules.predicate
def restricted(user):
    return is_coordinator_only(user)


@rules.predicate
def speaks_in_coordinated_session(user, speaker):
    if speaker is None:
        return True
    return speaker.session_roles.filter(session__theme_groups__coordinators=user).exists()


def has_model_perm(perm: str):
    @rules.predicate(name=f"has_model_perm:{perm}")
    def check(user):
        return _model_backend.has_perm(user, perm)

    return check


for action in ("view", "change", "delete"):
    perm = f"speakers.{action}_speaker"
    rules.add_perm(perm, has_model_perm(perm) & (~restricted | speaks_in_coordinated_session))
