public import Foundation

/// Where the tests find the real publications and write their fixtures.
public enum TestData {
    /// The shared data directory: `TARIF_DATA`, else `../shared/data` beside the repository.
    public static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["TARIF_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// The path of a real file under the data directory (`tariffs_mfn/idn_btki2022_mfn.csv`).
    public static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    /// Whether the real data is present (the tests that need it say so when it is not).
    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: path("hs/hs2022_harmonized-system.csv"))
    }

    /// The `tarif` binary of this build (`swift build --build-tests` builds it beside the tests).
    public static var binary: String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = repository.appendingPathComponent(".build/\(configuration)/tarif").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repository.appendingPathComponent(".build/debug/tarif").path
    }

    /// Runs the `tarif` binary with `arguments`; its standard output, or an error with its
    /// standard error when it exits with another status than 0.
    public static func runTarif(_ arguments: [String]) throws -> String { try run(binary, arguments) }

    /// Runs `executable` with `arguments`; its standard output, or an error with (the end of)
    /// its standard error when it exits with another status than 0.
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let name = URL(fileURLWithPath: executable).lastPathComponent
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(name) \(arguments.prefix(3).joined(separator: " ")): \(String(decoding: errors, as: UTF8.self).suffix(2_000))"])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A new empty directory for one test's files.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tarif-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new file named `name` in a fresh temporary directory.
    public static func fixture(_ name: String, _ text: String) throws -> String {
        try fixture(name, Data(text.utf8))
    }

    public static func fixture(_ name: String, _ data: Data) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }
}

/// The PostgreSQL server the tests compare with SQLite: `TARIF_TEST_POSTGRES`, a
/// `postgres://` URL (scripts/test starts a private server and sets it).
public enum TestPostgres {
    public static var url: String? {
        ProcessInfo.processInfo.environment["TARIF_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// In CI (`CI` set) or under scripts/test (`TARIF_REQUIRE_POSTGRES`), a missing server is
    /// a failure, not a skip.
    public static var isRequired: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["CI"].map { !$0.isEmpty } == true || env["TARIF_REQUIRE_POSTGRES"] == "1"
    }

    /// Whether the PostgreSQL tests run: with a server, or where one is required (and they fail).
    public static var shouldRun: Bool { url != nil || isRequired }

    /// The URL with a schema of the test's own (`?schema=` or `&schema=` appended).
    public static func url(schema: String) throws -> String {
        guard let url else { throw PostgresUnavailable() }
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    public struct PostgresUnavailable: Error, CustomStringConvertible {
        public var description: String { "TARIF_TEST_POSTGRES is unset, and a PostgreSQL server is required here (CI or scripts/test)" }
    }
}

/// A reproducible generator (SplitMix64), so a failing case or a sample is the same on every run.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
