// Data sets, mini-batching and the training loop.
@_exported import DescentOptimizers
