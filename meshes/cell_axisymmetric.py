"""Axisymmetric (r-z) cell mesh: .msh + .xdmf.  The builders live in nakmodel.geometry.

Example: python meshes/cell_axisymmetric.py --spot-radius "100 um" --spot-fraction 0.3 \
             --flaw-depth "200 um" --flaw-opening "20 um" --out meshes/out
"""

import sys

from nakmodel.cli.mesh import main

if __name__ == "__main__":
    sys.exit(main(geometry="axisymmetric", stem="cell_axisymmetric"))
