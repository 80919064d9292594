"""The one error every layer may raise: the run could not be done (exit code 2)."""


class RunError(RuntimeError):
    """The run could not be done (auth, missing tab, network, unreadable file): exit code 2."""


class Advice(UserWarning):
    """Something a person should know that stops nothing (the command prints it as one line)."""
