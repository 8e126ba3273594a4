// Tensors hold `Matrix` values, so whoever imports DescentAutograd sees DescentLinalg too.
@_exported import DescentLinalg
