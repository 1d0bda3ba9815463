"""django-axes locks an (account, client IP) pair after AXES_FAILURE_LIMIT failures. That alone
lets one address try a common password on many accounts, a few times each. This handler adds a
second, wider limit: LOGIN_IP_FAILURE_LIMIT failures from one client IP within AXES_COOLOFF_TIME,
whatever the accounts, block every login from that IP until the oldest failures age out.

Axes takes one failure limit for all its lockout parameters, so the IP-wide count is read here
from the same AccessAttempt rows, which axes already writes and expires.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def ip_failures(request: HttpRequest) -> int:
    """Failed logins from the request's client IP within the cool-off period, any account."""
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def _ip_locked(request: HttpRequest) -> bool:
    if ip_failures(request) >= settings.LOGIN_IP_FAILURE_LIMIT:
        # Read by the lock page (AXES_LOCKOUT_TEMPLATE) to say why.
        request.login_ip_locked = True
        return True
    return False


class LoginThrottleHandler(AxesDatabaseHandler):
    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        """Checked before authenticating: a blocked IP does not get to try a password."""
        return super().is_locked(request, credentials) or _ip_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        """After axes has counted the failure: the one that reaches the IP-wide limit is
        answered with the lock page already, as axes does for an account's fifth."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and _ip_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
