"""Request throttling for anonymous API consumers.

The rate comes from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] (set by
the TIMELINE_API_ANON_RATE environment variable) and is read per request, so
settings overrides in tests and deployments take effect without a restart.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
