"""Reading VTX (ADIOS2 BP4) output in tests without the adios2 Python bindings."""

from __future__ import annotations

import numpy as np


def read_bp4(path, names=("step", "x_Na", "phi", "geometry")):
    """Steps of a serial BP4 ``.bp`` directory as a list of ``{variable: float64 array}``
    (the variables ``names``).

    The Python adios2 bindings are not installed (only the C++ libraries in the dolfinx
    wheel), so this reads the BP4 data file directly: every variable block of a step starts
    with ``[VMD``, the uint64 length of the block, the uint32 variable id, the uint16 name
    length and the name, and its payload runs from the ``VMD]`` tag to the block end."""
    data = (path / "data.0").read_bytes()
    steps, pos = [], data.find(b"[PGI")
    while pos >= 0:
        end = data.find(b"[PGI", pos + 4)
        block_end = len(data) if end < 0 else end
        step, p = {}, data.find(b"[VMD", pos, block_end)
        while p >= 0:
            length = int.from_bytes(data[p + 4:p + 12], "little")
            name_len = int.from_bytes(data[p + 16:p + 18], "little")
            name = data[p + 18:p + 18 + name_len].decode()
            payload = data.find(b"VMD]", p) + 4
            raw = data[payload:p + 4 + length]
            if name in names:
                step[name] = np.frombuffer(raw, dtype=np.float64)
            p = data.find(b"[VMD", p + 4 + length, block_end)
        steps.append(step)
        pos = end
    return steps
