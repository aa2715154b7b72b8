"""A database that cannot be reached is a 503 the client may retry, not a 500.

Django raises OperationalError or InterfaceError when it cannot connect, loses
the connection or times out; raised by a view (DRF re-raises what it does not
handle), it becomes a JSON `{"detail": …}` under /api/, where consumers parse
JSON, and plain text elsewhere. Any other error stays a 500.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

DETAIL = "The database is unavailable; try again shortly."
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Django no longer logs it as a 500: say what failed.
        logger.error(
            "Database unavailable: %s %s",
            request.method,
            request.path,
            exc_info=exception,
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": DETAIL}, status=503)
        else:
            response = HttpResponse(
                DETAIL, status=503, content_type="text/plain; charset=utf-8"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
