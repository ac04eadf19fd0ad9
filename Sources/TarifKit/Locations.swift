public import Foundation
public import TarifCore

/// Where Tarif finds the official data and keeps its database.
public enum Locations {
    /// The data directory: `explicit` (`--data`), else `TARIF_DATA`, else `../shared/data`
    /// beside the working directory or beside the repository the binary was built in.
    /// - Throws: ``TarifError`` `.io` listing the places it looked.
    public static func dataDirectory(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit, !explicit.isEmpty { return try existing(URL(fileURLWithPath: explicit), "--data") }
        if let env = environment["TARIF_DATA"], !env.isEmpty { return try existing(URL(fileURLWithPath: env), "TARIF_DATA") }
        var tried: [String] = []
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var candidates = [cwd.appendingPathComponent("../shared/data").standardizedFileURL]
        // <repository>/.build/<config>/tarif → <repository>/../shared/data
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("../shared/data").standardizedFileURL)
            dir = dir.deletingLastPathComponent()
        }
        for candidate in candidates {
            tried.append(candidate.path)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("SOURCES.md").path)
                || FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tariffs_mfn").path)
            {
                return candidate
            }
        }
        throw TarifError(
            .io, "no data directory found; give one with --data DIR or TARIF_DATA (looked in \(tried.joined(separator: ", ")))")
    }

    static func existing(_ url: URL, _ from: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TarifError(.io, "the data directory \(url.path) (from \(from)) does not exist")
        }
        return url
    }

    /// The database file: `explicit` (`--db`), else `TARIF_DB`, else
    /// `$XDG_DATA_HOME/tarif/tarif.sqlite` (`~/.local/share/tarif/tarif.sqlite`).
    public static func database(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["TARIF_DB"], !env.isEmpty { return env }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/tarif/tarif.sqlite"
    }
}

extension Day {
    /// Today in UTC. The clock is read only by the programs' edges (the command line, the
    /// server) through this; the library's questions always take their day as an argument.
    public static func today() -> Day { utcDay(of: Date()) }

    /// The UTC calendar day of `date`, from its day number: no calendar object on a path the
    /// server takes for every request.
    public static func utcDay(of date: Date) -> Day {
        Day(ordinal: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
