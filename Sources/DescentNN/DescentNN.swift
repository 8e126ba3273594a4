// DescentNN: layers, losses, initializers and normalization built from
// DescentAutograd operations, so that every network's Hessian is exact.
@_exported import DescentAutograd
