// The umbrella module: `import Descent` brings in every layer.
@_exported import DescentAutograd
@_exported import DescentLinalg
@_exported import DescentNN
@_exported import DescentPlot
@_exported import DescentOptimizers
@_exported import DescentTraining
@_exported import DescentConvergence
