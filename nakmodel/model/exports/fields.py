"""Field output: :class:`VTXFields` writes chosen fields (ADIOS2 ``.bp``, dolfinx
``io.VTXWriter``, parallel: every rank writes its part) at chosen times or every N steps.

Fields (all P1 on the whole mesh; a field is 0 where it is not defined): ``x_Na`` (Na mole
fraction, alloy), ``c`` (Na content, the solved variable [mol/m^3] in the alloy), ``phi``
(electrolyte potential [V], NASICON), ``liquid_fraction`` [-] (alloy).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InputProblem, ParameterError
from .base import FieldExport

#: field name -> how it is obtained: ("expr", key of problem.expr) or ("block", 0/1 of u)
FIELDS = {"x_Na": ("expr", "x"), "c": ("block", 0), "phi": ("block", 1),
          "liquid_fraction": ("expr", "liquid_fraction")}


class VTXFields(FieldExport):
    """``VTXFields("out.bp", fields=["c", "phi"], every=10)``: a VTX file of the fields.

    path: the ``.bp`` folder (relative paths go into the simulation's ``output_dir``; a
        restarted run writes ``<stem>_from_<t>s.bp`` next to it).
    fields: names from :data:`FIELDS`.
    times: times [s] at which to write (the time stepper lands on them).
    every: also write the initial state and every N-th accepted step.
    """

    def __init__(self, path="fields.bp", fields=("x_Na", "phi"), times=(), every=None):
        super().__init__(times, every, key="VTXFields")
        if isinstance(fields, str):
            fields = [fields]
        fields = list(fields)
        unknown = [f for f in fields if f not in FIELDS]
        if unknown or not fields or len(set(fields)) != len(fields):
            raise ParameterError(InputProblem("VTXFields.fields", "unknown, repeated or no field "
                                              "names", unknown or fields,
                                              "distinct names from " + ", ".join(FIELDS)))
        if not str(path).endswith(".bp"):
            raise ParameterError(InputProblem("VTXFields.path", "must end in .bp", str(path),
                                              "a folder name such as 'fields.bp'"))
        if not times and every is None:
            raise ParameterError(InputProblem("VTXFields", "needs times or every", None,
                                              "times=[...] [s] and/or every=N [steps]"))
        self.path = Path(path)
        self.fields = fields
        self.writer = None

    def __repr__(self) -> str:
        return (f"VTXFields({str(self.path)!r}, fields={self.fields!r}, times={self.times!r}, "
                f"every={self.every!r})")

    def target(self, output_dir, restart_time: float | None) -> Path:
        """Where the file goes (``output_dir`` for a relative path; a restart's own name)."""
        path = self.path
        if not path.is_absolute() and output_dir is not None:
            path = Path(output_dir) / path
        if restart_time is not None:
            path = path.with_name(f"{path.stem}_from_{restart_time:.6g}s.bp")
        return path

    def open(self, problem, output_dir, restart_time=None):
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem, io

        path = self.target(output_dir, restart_time)
        if problem.mesh.comm.rank == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        problem.mesh.comm.barrier()
        self.problem = problem
        V1 = fem.functionspace(problem.mesh, ("Lagrange", 1))
        self._sources = []  # (function, compiled expression or block index of u)
        for name in self.fields:
            kind, key = FIELDS[name]
            source = (fem.Expression(problem.expr[key], V1.element.interpolation_points)
                      if kind == "expr" else key)
            self._sources.append((fem.Function(V1, name=name), source))
        self.writer = io.VTXWriter(problem.mesh.comm, str(path),
                                   [f for f, _ in self._sources], engine="BP4")
        self.written = path

    def write(self, time):
        for func, source in self._sources:
            if isinstance(source, int):  # the same P1 layout as the blocked (c, phi) space
                func.x.array[:] = self.problem.u.x.array[source::2]
            else:
                func.interpolate(source)
        self.writer.write(time)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None
