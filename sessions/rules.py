"""Object permissions on the programme (django-rules): a theme-group coordinator may act only on the
sessions of their own theme groups (a joint session counts for each of its groups), and on those
sessions' uploads and lists of participants. Organisers keep what their model permissions give them.

Django's ModelBackend answers only permissions without an object; with an object, these rules answer.
"""

import rules
from django.contrib.auth.backends import ModelBackend

from g40events.permissions import is_coordinator_only

_model_backend = ModelBackend()


def has_model_perm(perm: str):
    @rules.predicate(name=f"has_model_perm:{perm}")
    def check(user):
        return _model_backend.has_perm(user, perm)

    return check


@rules.predicate
def restricted(user):
    return is_coordinator_only(user)


@rules.predicate
def coordinates_session(user, session):
    if session is None:
        return True
    return session.theme_groups.filter(coordinators=user).exists()


@rules.predicate
def coordinates_upload(user, upload):
    if upload is None:
        return True
    return upload.session.theme_groups.filter(coordinators=user).exists()


for action in ("view", "change", "delete"):
    perm = f"programme.{action}_session"
    rules.add_perm(perm, has_model_perm(perm) & (~restricted | coordinates_session))

for action in ("view", "change", "delete"):
    perm = f"programme.{action}_speakerupload"
    rules.add_perm(perm, has_model_perm(perm) & (~restricted | coordinates_upload))

# The printable list of participants and the waiting list of one session.
rules.add_perm(
    "programme.view_session_participants",
    (has_model_perm("registrations.view_registration") & ~restricted)
    | (has_model_perm("programme.view_session") & restricted & coordinates_session),
)
