import Testing

@Suite struct ProgramSmokeTests {
    @Test func helpPrintsAndExitsZero() throws {
        let result = try ProgramRunner.run("eigen", ["--help"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("USAGE"))
    }
}
