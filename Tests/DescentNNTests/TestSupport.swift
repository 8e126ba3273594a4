// Shared helpers for the DescentNN tests.

@testable import DescentNN

/// A deterministic generator for tests.
func testGenerator(_ seed: UInt64 = 2026) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: seed) }
