// The umbrella module: `import Descent` brings in every layer.
@_exported import DescentLinalg
