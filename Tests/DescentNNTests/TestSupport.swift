// Shared helpers for the DescentNN tests: the finite-difference references
// come from DescentTestSupport.

@_exported import DescentTestSupport
