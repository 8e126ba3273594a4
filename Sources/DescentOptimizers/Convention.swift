// Where frameworks disagree, Descent's defaults follow the paper; a
// `Convention` reproduces one framework's arithmetic exactly. The full table of
// differences is in docs/conventions.md and THEORY.md §12.

/// Whose formulas an optimizer follows where the literature and the frameworks differ.
///
/// - `paper`: the original paper (or the lecture notes' form where the paper is
///   silent). The default everywhere.
/// - `pytorch`: `torch.optim` 2.x.
/// - `optax`: `optax` 0.2.
/// - `keras`: Keras 3 (`keras.optimizers`).
public enum Convention: String, CaseIterable, Sendable, CustomStringConvertible {
    case paper, pytorch, optax, keras
    public var description: String { rawValue }
}
