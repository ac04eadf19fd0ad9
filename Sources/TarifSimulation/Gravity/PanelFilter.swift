import TarifCore

/// A condition that selects rows of a panel: `year in 1986,1990,1994`, `exporter != importer`,
/// `year >= 1990`, `trade > 0`. A right-hand side that names a column compares the two
/// columns row by row; otherwise it is a literal.
public struct PanelFilter: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", among = "in"
    }

    public var column: String
    public var op: Operator
    public var values: [String]

    public var description: String { "\(column) \(op.rawValue) \(values.joined(separator: ","))" }

    /// - Throws: ``TarifError`` `.badInput` when the text is not `column OP value`.
    public init(parsing text: String) throws {
        func fail(_ why: String) -> TarifError { TarifError(.badInput, "filter '\(InputLimits.echo(text))': \(why)", at: SourceLocation(file: "--where")) }
        let t = text.trimming(" ")
        if let range = t.range(of: " in ") {
            column = t[..<range.lowerBound].trimming(" ")
            op = .among
            values = t[range.upperBound...].split(separator: ",").map { $0.trimming(" ()") }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw fail("no values after 'in'") }
        } else {
            // Longest operators first so that "<=" is not read as "<".
            let ops: [Operator] = [.notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater, .equal]
            var found: (Operator, Range<String.Index>)?
            for o in ops {
                let symbol = o == .equal && t.contains("==") ? "==" : o.rawValue
                if let r = t.range(of: symbol) { found = (o, r); break }
            }
            guard let (o, r) = found else { throw fail("write column = value, column != column, column >= value or column in a,b,c") }
            column = t[..<r.lowerBound].trimming(" ")
            op = o
            values = [t[r.upperBound...].trimming(" \"'")]
            guard !values[0].isEmpty else { throw fail("no value after '\(o.rawValue)'") }
        }
        guard GravityFormula.isName(column) else { throw fail("'\(column)' is not a column name") }
    }

    /// The rows that pass.
    /// - Throws: ``TarifError`` for an unknown column, or an order comparison with a label.
    public func mask(_ panel: Panel) throws -> [Bool] {
        let left = try panel.column(column)
        let other: PanelColumn? = values.count == 1 && op != .among && panel.names.contains(values[0]) ? try panel.column(values[0]) : nil
        func text(_ c: PanelColumn, _ i: Int) -> String? {
            switch c {
            case .labels(let codes, let levels): codes[i] < 0 ? nil : levels[Int(codes[i])]
            case .numbers(let v): v[i].isNaN ? nil : Panel.label(v[i])
            }
        }
        func number(_ c: PanelColumn, _ i: Int) -> Double? {
            switch c {
            case .numbers(let v): v[i].isNaN ? nil : v[i]
            case .labels: nil
            }
        }
        let ordered = [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        if ordered, case .labels = left {
            throw TarifError(.badInput, "filter '\(self)': '\(column)' holds labels; use = , != or in", at: SourceLocation(file: "--where"))
        }
        let literal = Double(values[0])
        if ordered, other == nil, literal == nil {
            throw TarifError(.badInput, "filter '\(self)': '\(values[0])' is neither a number nor a column", at: SourceLocation(file: "--where"))
        }
        let set = Set(values)
        let numericSet = Set(values.compactMap(Double.init))
        return (0..<panel.rowCount).map { i in
            switch op {
            case .among:
                if let x = number(left, i) { return numericSet.contains(x) }
                return text(left, i).map(set.contains) ?? false
            case .equal, .notEqual:
                let same: Bool
                if let other {
                    if let a = number(left, i), let b = number(other, i) { same = a == b } else { same = text(left, i) == text(other, i) }
                } else if let x = number(left, i), let lit = literal {
                    same = x == lit
                } else {
                    same = text(left, i) == values[0]
                }
                return op == .equal ? same : !same
            default:
                guard let a = number(left, i), let b = other.map({ number($0, i) }) ?? literal else { return false }
                switch op {
                case .less: return a < b
                case .lessOrEqual: return a <= b
                case .greater: return a > b
                default: return a >= b
                }
            }
        }
    }
}
