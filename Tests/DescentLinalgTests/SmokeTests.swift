import Testing
@testable import DescentLinalg
@Test func routinesExist() { #expect(Double.routines.prefix == "d") }
