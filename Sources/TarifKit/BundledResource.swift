import Foundation
import TarifCore

/// The JSON files Tarif ships in its bundle (`Catalog/`, `Registry/`): facts it curates.
enum BundledResource {
    /// Decodes `<directory>/<name>.json` from the bundle.
    /// - Throws: ``TarifError`` `.io` when the file is missing from the build, `.badFile`
    ///   naming the file and the field of a malformed entry.
    static func decode<T: Decodable>(_ type: T.Type, _ name: String, in directory: String) throws -> T {
        let file = "\(directory)/\(name).json"
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: directory) else {
            throw TarifError(.io, "the bundled file \(file) is missing from the build")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw TarifError(.io, "cannot read the bundled file \(file): \(error)") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw TarifError(.badFile, describe(error), at: SourceLocation(file: file, field: path(of: error)))
        }
    }

    /// The coding path of a decoding error as `.agreements[0].parties[7].from`.
    static func path(of error: DecodingError) -> String? {
        let context: DecodingError.Context
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return nil
        }
        var path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        if case .keyNotFound(let key, _) = error { path += ".\(key.stringValue)" }
        return path.isEmpty ? nil : path
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.debugDescription
        case .keyNotFound(let key, _): return "the required field '\(key.stringValue)' is missing"
        case .typeMismatch(let t, _): return "a value is not of the expected type (\(t))"
        case .valueNotFound(let t, _): return "a value of type \(t) is missing"
        @unknown default: return "\(error)"
        }
    }
}
