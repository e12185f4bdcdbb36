"""Exceptions raised by nakmodel.

Every error a user can trigger with bad input is a :class:`ParameterError`
(a :class:`ValueError`) whose message names the parameter, its unit and the
allowed range.  Every solver failure is a :class:`ConvergenceError` carrying
the state at which it failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class NakmodelError(Exception):
    """Base class of all nakmodel errors."""


@dataclass(frozen=True)
class InputProblem:
    """One problem found while validating input (not the FE problem:
    :class:`nakmodel.model.problem.CoupledProblem`).

    ``key`` is the dotted key path (``"nasicon.conductivity"``), ``message``
    says what is wrong, ``value`` is what was given, ``expected`` the unit and
    range that would be accepted.
    """

    key: str
    message: str
    value: object = None
    expected: str = ""

    def __str__(self) -> str:
        text = f"{self.key}: {self.message}"
        if self.value is not None:
            shown = repr(self.value)
            text += f" (got {shown if len(shown) <= 80 else shown[:77] + '...'})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


#: the old name of :class:`InputProblem`, kept for user scripts (the package uses InputProblem)
Problem = InputProblem


class ParameterError(NakmodelError, ValueError):
    """Invalid user input: one or more :class:`InputProblem` objects.

    ``str(err)`` lists every problem, one per line.

    Parameters
    ----------
    problems:
        A list of :class:`InputProblem`, one :class:`InputProblem`, or a message string.
    key:
        Parameter name the message string refers to (only used when ``problems`` is a
        string).
    """

    def __init__(self, problems: list[InputProblem] | InputProblem | str, key: str = "input"):
        if isinstance(problems, str):
            problems = [InputProblem(key, problems)]
        elif isinstance(problems, InputProblem):
            problems = [problems]
        self.problems: list[InputProblem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(NakmodelError, OSError):
    """A result could not be written: full disk, read-only or forbidden folder...

    The message names the path and the cause in words; nothing half-written
    is left behind (see :func:`nakmodel.atomic_write.atomic_write_bytes`).
    """

    _CAUSES = {28: "the disk is full (no space left on device)",
               30: "the folder is on a read-only filesystem",
               13: "permission denied (the folder is not writable by you)",
               1: "operation not permitted",
               122: "disk quota exceeded",
               21: "a folder of that name exists",
               20: "a part of the path is a file, not a folder",
               17: "a file of that name exists where a folder is needed",
               36: "the file name is too long"}

    @classmethod
    def from_os_error(cls, path, exc: OSError) -> OutputError:
        cause = cls._CAUSES.get(exc.errno, exc.strerror or type(exc).__name__)
        err = cls(exc.errno, f"cannot write {path}: {cause}")
        err.path = str(path)
        return err

    def __str__(self) -> str:
        return self.strerror or super().__str__()


@dataclass
class ConvergenceError(NakmodelError, RuntimeError):
    """A nonlinear or linear solve failed after all retries.

    Attributes give the state at failure: simulated ``time`` [s], the last
    attempted ``dt`` [s], the ``reason`` reported by the solver and the
    ``history`` of the last attempt: the scaled max norms of its Newton
    increments (Na content per c_max, potentials per RT/F), not residuals, so a
    stalled solve can show tiny values.
    """

    reason: str
    time: float | None = None
    dt: float | None = None
    history: list[float] = field(default_factory=list)
    state: dict = field(default_factory=dict)

    def __post_init__(self):
        RuntimeError.__init__(self, str(self))

    def __str__(self) -> str:
        parts = [f"solver did not converge: {self.reason}"]
        if self.time is not None:
            parts.append(f"t = {self.time:.6g} s")
        if self.dt is not None:
            parts.append(f"dt = {self.dt:.3g} s")
        if self.history:
            parts.append("scaled Newton increments " + ", ".join(f"{r:.3e}"
                                                              for r in self.history[-6:]))
        for k, v in self.state.items():
            parts.append(f"{k} = {v}")
        return "; ".join(parts)


class StepLimitError(ConvergenceError):
    """A simulation used up ``max_steps`` time steps before the protocol ended.

    Not a solver failure — every step converged — but a subclass of
    :class:`ConvergenceError` so that code catching "the run stopped early"
    keeps working; its message says what happened and what to change.
    ``time`` is the simulated time reached [s], ``max_steps`` the limit.
    """

    def __init__(self, max_steps: int, time: float, dt: float | None = None,
                 end_time: float | None = None):
        self.max_steps, self.end_time = max_steps, end_time
        super().__init__(reason="maximum number of time steps reached", time=time, dt=dt)

    def __str__(self) -> str:
        text = (f"maximum number of time steps reached: max_steps = {self.max_steps} "
                f"at t = {self.time:.6g} s")
        if self.end_time is not None and self.end_time < float("inf"):
            text += f" of at most {self.end_time:.6g} s"
        if self.dt is not None:
            text += f" (last dt = {self.dt:.3g} s)"
        return text + ("; every step converged: raise max_steps, or allow larger steps "
                       "(numerics.dt_max), or restart from the checkpoint")
