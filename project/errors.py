"""Domain errors shared by every app's services."""


class TransitionNotAllowed(Exception):
    """A state change conflicts with the current state (HTTP 409, a form error on pages)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
