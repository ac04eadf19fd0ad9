/// Reads the US HTS column 1 "Special" cell: preferential rates, each followed by the
/// program codes it is granted under in parentheses.
///
/// `Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)`, or several groups:
/// `Free (BH,CL,JO,KR,OM,SG) See 9822.09.17 (P+) 5.4% (AU)`. Program codes are the
/// General Note 3(c)(i) symbols: one or two letters, perhaps with `*` (some
/// beneficiaries excluded) or `+` (only some beneficiaries).
public struct SpecialRateParser: Sendable {
    public struct Grant: Sendable, Hashable {
        /// The program symbols; empty when the rate holds under every program (chapter 99).
        public var programs: [String]
        public var text: String
        public var expression: DutyExpression
    }

    let rates = DutyExpressionParser(dialect: .usHTS)

    public init() {}

    /// The grants in a Special cell, in order.
    /// - Throws: ``TarifError`` `.badRate` naming the part that is not understood.
    public func parse(_ cell: String) throws -> [Grant] {
        let s = DutyExpressionParser.fold(cell)
        if s.isEmpty { return [] }
        var grants: [Grant] = []
        var rateText = ""
        var index = s.startIndex
        while index < s.endIndex {
            let ch = s[index]
            if ch == "(", let close = s[index...].firstIndex(of: ")") {
                let inside = s[s.index(after: index)..<close]
                let codes = inside.split(separator: ",").map { $0.trimmingCharacters(in: " ") }
                if !codes.isEmpty, codes.allSatisfy(Self.isProgramCode) {
                    let text = rateText.trimmingCharacters(in: " ")
                    guard !text.isEmpty else {
                        throw TarifError(.badRate, "cannot read special rate '\(s)': programs (\(inside)) have no rate before them")
                    }
                    guard let expression = try rates.parse(text) else {
                        throw TarifError(.badRate, "cannot read special rate '\(s)': '\(InputLimits.echo(text))' is empty")
                    }
                    grants.append(Grant(programs: codes, text: text, expression: expression))
                    rateText = ""
                    index = s.index(after: close)
                    continue
                }
            }
            rateText.append(ch)
            index = s.index(after: index)
        }
        let rest = rateText.trimmingCharacters(in: " ")
        if grants.isEmpty, !rest.isEmpty {
            // No program symbols at all (chapter 99): the rate holds under every program.
            guard let expression = try rates.parse(rest) else { return [] }
            return [Grant(programs: [], text: rest, expression: expression)]
        }
        if !rest.isEmpty {
            throw TarifError(.badRate, "cannot read special rate '\(s)': '\(rest)' names no program")
        }
        return grants
    }

    /// `AU`, `A*`, `S+`, `P`: one or two capital letters and an optional `*` or `+`.
    static func isProgramCode(_ code: String) -> Bool {
        var letters = Substring(code)
        if letters.hasSuffix("*") || letters.hasSuffix("+") { letters = letters.dropLast() }
        return (1...2).contains(letters.count) && letters.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
    }
}
