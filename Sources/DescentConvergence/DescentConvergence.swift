// DescentConvergence: quadratic bowls, the convergence theory of gradient
// descent and its accelerations, and Hessian spectra of networks.
//
// Design note. Goals, in priority order:
// 1. Every prediction is checked against what the optimizers of
//    `DescentOptimizers` actually do; this module never re-implements an
//    optimizer (conjugate gradient, which is not a training method, is the one
//    reference iteration written here).
// 2. Exact where others estimate: per-direction recurrences and matrix powers
//    instead of asymptotic formulas, full Hessians as the oracle for every
//    matrix-free estimator.
// 3. `Double` throughout: analysis is about rounding-level agreement.
// Formulas follow THEORY.md (§§1–9) in the notation of the lecture notes.

@_exported import DescentLinalg
@_exported import DescentOptimizers
