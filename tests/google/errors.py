"""Sheets API errors in the shape Google answers them: ``{"error": {"code", "message", "status", "details"}}``."""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """An error answer in Google's shape."""

    STATUS: ClassVar[dict[int, str]] = {
        400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED", 503: "UNAVAILABLE"}

    def __init__(self, code: int, message: str, status: str | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.body: dict[str, Any] = {"error": {"code": code, "message": message,
                                               "status": status or self.STATUS.get(code, "UNKNOWN")}}
        if details:
            self.body["error"]["details"] = details


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def permission_denied() -> ApiError:
    return ApiError(403, "The caller does not have permission")


def service_disabled(project: str = "123456789012") -> ApiError:
    url = f"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={project}"
    return ApiError(
        403, f"Google Sheets API has not been used in project {project} before or it is disabled. Enable it by "
             f"visiting {url} then retry. If you enabled this API recently, wait a few minutes for the action to "
             "propagate to our systems and retry.", "PERMISSION_DENIED",
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
          "domain": "googleapis.com",
          "metadata": {"service": "sheets.googleapis.com", "consumer": f"projects/{project}"}}])
