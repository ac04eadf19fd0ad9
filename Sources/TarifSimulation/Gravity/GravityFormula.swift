import TarifCore

/// A gravity specification in the fixest/pyfixest formula syntax:
/// `trade ~ log(dist) + cntg + rta | exporter^year + importer^year + exporter^importer`.
///
/// Left of `~` the flow (levels, not logs: PPML); between `~` and `|` the regressors, each a
/// numeric column or `log(column)`; after `|` the fixed effects, each a column or an
/// interaction of columns joined by `^` (exporter-year, importer-year, pair).
public struct GravityFormula: Sendable, Hashable, CustomStringConvertible {
    public struct Regressor: Sendable, Hashable, CustomStringConvertible {
        public var column: String
        public var logarithm: Bool
        public init(column: String, logarithm: Bool = false) {
            self.column = column
            self.logarithm = logarithm
        }
        public var description: String { logarithm ? "log(\(column))" : column }
    }

    public var outcome: String
    public var regressors: [Regressor]
    /// Each fixed effect is one or more columns whose combination defines a group.
    public var fixedEffects: [[String]]

    public init(outcome: String, regressors: [Regressor], fixedEffects: [[String]]) {
        self.outcome = outcome
        self.regressors = regressors
        self.fixedEffects = fixedEffects
    }

    public var description: String {
        var s = "\(outcome) ~ " + (regressors.isEmpty ? "0" : regressors.map(\.description).joined(separator: " + "))
        if !fixedEffects.isEmpty { s += " | " + fixedEffects.map { $0.joined(separator: "^") }.joined(separator: " + ") }
        return s
    }

    /// Parses the formula text.
    /// - Throws: ``TarifError`` `.badInput` naming the part that is wrong.
    public init(parsing text: String) throws {
        func fail(_ why: String) -> TarifError {
            TarifError(.badInput, "formula '\(InputLimits.echo(text))': \(why)", at: SourceLocation(file: "--formula"))
        }
        let sides = text.split(separator: "~", omittingEmptySubsequences: false)
        guard sides.count == 2 else { throw fail("write 'outcome ~ regressors | fixed effects' with one '~'") }
        let outcome = sides[0].trimming(" ")
        guard Self.isName(outcome) else { throw fail("'\(outcome)' is not a column name") }
        let parts = sides[1].split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail("more than one '|'") }
        var regressors: [Regressor] = []
        for raw in parts[0].split(separator: "+", omittingEmptySubsequences: false) {
            let term = raw.trimming(" ")
            if term == "0" || term == "1" { continue }
            if let open = term.firstIndex(of: "("), term.hasSuffix(")") {
                let function = term[..<open].trimming(" ")
                let inner = term[term.index(after: open)..<term.index(before: term.endIndex)].trimming(" ")
                guard ["log", "ln"].contains(function) else { throw fail("'\(function)(…)' is not supported; only log(column)") }
                guard Self.isName(inner) else { throw fail("'\(inner)' in '\(term)' is not a column name") }
                regressors.append(Regressor(column: inner, logarithm: true))
            } else {
                guard Self.isName(term) else {
                    throw fail(term.isEmpty ? "an empty term (a '+' too many?)" : "'\(term)' is not a column name or log(column)")
                }
                regressors.append(Regressor(column: term))
            }
        }
        var effects: [[String]] = []
        if parts.count == 2 {
            for raw in parts[1].split(separator: "+", omittingEmptySubsequences: false) {
                let names = raw.split(separator: "^", omittingEmptySubsequences: false).map { $0.trimming(" ") }
                for name in names where !Self.isName(name) {
                    throw fail(name.isEmpty ? "an empty fixed effect" : "'\(InputLimits.echo(name))' is not a column name (write exporter^year for an interaction)")
                }
                effects.append(names)
            }
        }
        guard Set(regressors).count == regressors.count else { throw fail("a regressor is listed twice") }
        self.init(outcome: outcome, regressors: regressors, fixedEffects: effects)
    }

    static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
