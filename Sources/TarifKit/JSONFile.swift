import Foundation
import TarifCore

/// Reading a JSON file a user names (a rules corpus, a saved estimate) through Foundation's
/// decoder, which is recursive and reads the whole file: its size and nesting are checked
/// first, so a hostile file is an error with its position, not a crash.
enum JSONFile {
    /// The largest such file read.
    static let maxBytes = 256 << 20

    /// The file's bytes, once its size and nesting are within bounds.
    /// - Throws: ``TarifError`` `.io` (unreadable), `.tooLarge` (size or depth, with the place).
    static func data(at url: URL, displayName: String) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attributes?[.size] as? Int, size > maxBytes {
            throw TarifError(.tooLarge, "the file is \(size >> 20) MiB; JSON files of more than \(maxBytes >> 20) MiB are not read", at: SourceLocation(file: displayName))
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TarifError(.io, "cannot read: \(error.localizedDescription)", at: SourceLocation(file: displayName))
        }
        try JSONNesting.check(data, place: displayName)
        return data
    }
}
