"""Planar (x-z, per metre of depth) cell mesh: .msh + .xdmf.  Builders in nakmodel.geometry.

Example: python meshes/cell_planar.py --spot-radius "50 um" --spot-fraction 0.2 --seed 1
"""

import sys

from nakmodel.cli.mesh import main

if __name__ == "__main__":
    sys.exit(main(geometry="planar", stem="cell_planar"))
