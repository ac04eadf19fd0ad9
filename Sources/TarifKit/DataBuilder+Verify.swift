public import Foundation
public import TarifCore
import TarifImport
import TarifStore

/// What `tarif data verify` found for one publication of the catalog.
public struct VerifyEntry: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable {
        /// The file's content is what the store holds in force, and every schedule is whole.
        case ok
        /// The file is not in the data directory.
        case missingFile = "missing file"
        /// The store does not hold this file's content in force: never loaded, replaced by
        /// another version, or emptied or cut short by a bad load.
        case notInForce = "not in force"
        /// Loaded, but a schedule holds fewer lines than the catalog expects.
        case short
        /// Reloaded from the file by `--repair`.
        case repaired
        /// `--repair` tried and the load was refused or failed (the detail says why).
        case failed
    }

    public var file: String
    public var format: String
    public var status: Status
    public var detail: String
}

extension DataBuilder {
    /// Checks the store against the files of the catalog: each file's content must be the
    /// one in force, and each schedule as long as the catalog expects. With `repair`, each
    /// publication found wanting is loaded again from its file (all or nothing, as any load).
    /// - Returns: one entry per publication, in catalog order.
    public func verify(from directory: URL, catalog: Catalog, repair: Bool) throws -> [VerifyEntry] {
        var out: [VerifyEntry] = []
        for publication in catalog.publications {
            let path = directory.appendingPathComponent(publication.path).path
            var entry = VerifyEntry(file: publication.path, format: publication.format, status: .ok, detail: "")
            guard FileManager.default.fileExists(atPath: path) else {
                entry.status = .missingFile
                entry.detail = "not found in \(directory.path)"
                out.append(entry)
                continue
            }
            // Each format's own hash: a publication read with files beside it hashes them too.
            let hash: String
            if publication.history != nil {
                let reader = HTSHistoryReader(calendarPath: path, displayName: publication.path)
                hash = try reader.contentHash(of: try reader.plan().revisions).history
            } else if let reader = try? PublicationFormats.reader(for: publication.format) {
                hash = try type(of: reader).contentHash(of: path, displayName: publication.path)
            } else if let staging = StagingFormats.reader(for: publication.format) {
                hash = try type(of: staging).contentHash(of: path, displayName: publication.path)
            } else {
                hash = try ByteSource.contentHash(of: path, displayName: publication.path)
            }
            if try !database.isLoaded(format: publication.format, contentHash: hash) {
                entry.status = .notInForce
                entry.detail = "the store does not hold this file's content (sha256 \(hash.prefix(12))…) in force"
            } else {
                var short: [String] = []
                for (_, s) in (publication.schedules ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let lines = try database.lineCount(series: s.series, validFrom: s.validFrom) ?? 0
                    if lines == 0 || lines < (s.minimumLines ?? 1) {
                        short.append("\(s.series) from \(s.validFrom) has \(lines) lines (at least \(s.minimumLines ?? 1) expected)")
                    }
                }
                if !short.isEmpty {
                    entry.status = .short
                    entry.detail = short.joined(separator: "; ") + ": the file itself is short (it is what was loaded); get a whole copy"
                } else {
                    entry.detail = "in force, sha256 \(hash.prefix(12))…"
                }
            }
            if repair && entry.status == .notInForce {
                do {
                    let report = try build(from: directory, catalog: Catalog(publications: [publication]))
                    entry.status = .repaired
                    entry.detail = "loaded again: " + (report.first.map { r in r.schedules.map { "\($0.series) \($0.lines) lines" }.joined(separator: ", ") } ?? "")
                } catch let error as TarifError {
                    entry.status = .failed
                    entry.detail = error.description
                }
            }
            out.append(entry)
        }
        return out
    }
}
