"""Request throttling for anonymous API consumers.

The rate comes from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] (set by
the TIMELINE_API_ANON_RATE environment variable) and is read per request, so
settings overrides in tests and deployments take effect without a restart.

A client is its connecting address (REMOTE_ADDR). X-Forwarded-For counts only
when TIMELINE_TRUSTED_PROXIES says how many reverse proxies in front of the
app append to it (DRF's NUM_PROXIES): then the hop the nearest trusted proxy
wrote is the client, and whatever the client itself put in the header is
ignored. The counts live in the default cache (settings.CACHES, a database
table unless DJANGO_CACHE_URL says otherwise), which every worker shares.
"""

from __future__ import annotations

import ipaddress

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        """The client address; REMOTE_ADDR unless a trusted proxy's hop is a
        valid address (a misconfigured proxy count must not let a header's
        free text become the key)."""
        ident = super().get_ident(request)
        remote = request.META.get("REMOTE_ADDR", "")
        if ident == remote:
            return ident
        try:
            return str(ipaddress.ip_address(ident))
        except ValueError:
            return remote
