"""Errors services raise for bad input; views turn them into 4xx, the CLI into exit 1."""


class ServiceError(Exception):
    """Bad input or a forbidden state change, with a message fit to show the user."""

    status = 400

    def __init__(self, message: str, status: int | None = None, payload: dict | None = None):
        super().__init__(message)
        self.message = message
        self.payload = payload or {}
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
