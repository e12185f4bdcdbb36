"""3D cylinder cell mesh with true disc contacts: .msh + .xdmf.  Builders in nakmodel.geometry.

Example: python meshes/cell_3d.py --pellet-radius "1 mm" --pellet-thickness "0.5 mm" \
             --spot-radius "100 um" --spot-fraction 0.2 --seed 3 --mesh-size "50 um"
"""

import sys

from nakmodel.cli.mesh import main

if __name__ == "__main__":
    sys.exit(main(geometry="3d", stem="cell_3d"))
