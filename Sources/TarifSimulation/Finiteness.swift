public import TarifCore

/// Finds a number in a result that is not finite (∞ or NaN), so that a model pushed past
/// what its parameters allow answers with an error naming them, never with `inf` or `nan`.
enum Finiteness {
    /// The path of the first non-finite `Double` in `value` (`countries[3].welfareChange`),
    /// walking stored properties, arrays and optionals; `nil` when every number is finite.
    static func firstNonFinite(in value: Any, path: String = "") -> String? {
        if let d = value as? Double { return d.isFinite ? nil : path }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.flatMap { firstNonFinite(in: $0.value, path: path) }
        }
        for (i, child) in mirror.children.enumerated() {
            let name = child.label.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? "\(path)[\(i)]"
            if let p = firstNonFinite(in: child.value, path: name) { return p }
        }
        return nil
    }

    /// - Throws: ``TarifError`` `.degenerate` naming the first non-finite field and `cause`:
    ///   which parameters make the model degenerate for these data.
    static func require(_ value: Any, model: String, cause: @autoclosure () -> String) throws(TarifError) {
        try require(path: firstNonFinite(in: value), model: model, cause: cause())
    }

    /// The same with the first non-finite field already found (by a type that reads its own fields:
    /// reflection costs too much for a result computed thousands of times, as SMART over a market).
    static func require(path: String?, model: String, cause: @autoclosure () -> String) throws(TarifError) {
        if let path {
            throw TarifError(
                .degenerate, "\(model) has no finite answer for these inputs (\(path) is not a number): \(cause())")
        }
    }
}
