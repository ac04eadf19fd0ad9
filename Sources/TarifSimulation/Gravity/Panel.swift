public import TarifCore

/// One column of a gravity panel: numbers (trade, distance, dummies, years) or labels
/// (country codes), the labels stored as codes into a list of levels.
public enum PanelColumn: Sendable {
    case numbers([Double])
    case labels(codes: [Int32], levels: [String])

    public var count: Int {
        switch self {
        case .numbers(let v): v.count
        case .labels(let codes, _): codes.count
        }
    }
}

/// A table of observations read from a CSV panel (exporter, importer, year, trade, …).
///
/// Values only: readers in TarifKit build it; the estimators read it.
public struct Panel: Sendable {
    /// The column names in file order.
    public let names: [String]
    public let rowCount: Int
    /// Where the panel came from, for messages.
    public let source: String
    /// The file line of each row (for messages), or nil when not read from a file.
    public let lines: [Int]?
    private var columns: [String: PanelColumn]

    /// - Throws: ``TarifError`` `.badFile` when the columns differ in length or a name repeats.
    public init(columns: [(name: String, column: PanelColumn)], source: String, lines: [Int]? = nil) throws {
        var map: [String: PanelColumn] = [:]
        let n = columns.first?.column.count ?? 0
        for (name, column) in columns {
            guard map[name] == nil else { throw TarifError(.badFile, "column '\(InputLimits.echo(name))' appears twice", at: SourceLocation(file: source)) }
            guard column.count == n else {
                throw TarifError(.badFile, "column '\(InputLimits.echo(name))' has \(column.count) values, the others \(n)", at: SourceLocation(file: source))
            }
            map[name] = column
        }
        self.names = columns.map(\.name)
        self.columns = map
        self.rowCount = n
        self.source = source
        if let lines, lines.count != n {
            throw TarifError(.badFile, "\(lines.count) line numbers for \(n) rows", at: SourceLocation(file: source))
        }
        self.lines = lines
    }

    /// Where row `i` (0-based) came from.
    public func location(ofRow i: Int, field: String? = nil) -> SourceLocation {
        SourceLocation(file: source, line: lines?[i] ?? (i + 2), field: field)
    }

    public func column(_ name: String) throws -> PanelColumn {
        guard let c = columns[name] else {
            throw TarifError(.missingInput, "no column '\(InputLimits.echo(name))' (columns: \(names.joined(separator: ", ")))", at: SourceLocation(file: source))
        }
        return c
    }

    /// The column as numbers.
    /// - Throws: ``TarifError`` when it is missing or holds labels.
    public func numbers(_ name: String) throws -> [Double] {
        switch try column(name) {
        case .numbers(let v): return v
        case .labels(_, let levels):
            throw TarifError(.badNumber, "column '\(InputLimits.echo(name))' holds labels such as '\(levels.first ?? "")', not numbers", at: SourceLocation(file: source, field: name))
        }
    }

    /// The column as categories: a code per row and the number of distinct values. Numbers
    /// (years) are categories too; a missing number (NaN) or empty label has code −1.
    public func categories(_ name: String) throws -> (codes: [Int32], levels: [String]) {
        switch try column(name) {
        case .labels(let codes, let levels):
            return (codes, levels)
        case .numbers(let values):
            var index: [UInt64: Int32] = [:]
            var levels: [String] = []
            var codes = [Int32](repeating: -1, count: values.count)
            for (i, v) in values.enumerated() where !v.isNaN {
                let key = v.bitPattern
                if let c = index[key] {
                    codes[i] = c
                } else {
                    let c = Int32(levels.count)
                    index[key] = c
                    levels.append(Self.label(v))
                    codes[i] = c
                }
            }
            return (codes, levels)
        }
    }

    /// A number written as a label: whole numbers without a decimal point (years: "2006").
    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    /// The rows where `keep` is true, in order.
    public func subset(_ keep: [Bool]) -> Panel {
        precondition(keep.count == rowCount)
        var out: [(String, PanelColumn)] = []
        for name in names {
            switch columns[name]! {
            case .numbers(let v):
                var w: [Double] = []
                w.reserveCapacity(v.count)
                for i in v.indices where keep[i] { w.append(v[i]) }
                out.append((name, .numbers(w)))
            case .labels(let codes, let levels):
                var w: [Int32] = []
                w.reserveCapacity(codes.count)
                for i in codes.indices where keep[i] { w.append(codes[i]) }
                out.append((name, .labels(codes: w, levels: levels)))
            }
        }
        // Lengths agree by construction.
        let keptLines = lines.map { l in l.indices.filter { keep[$0] }.map { l[$0] } }
        return try! Panel(columns: out.map { (name: $0.0, column: $0.1) }, source: source, lines: keptLines)
    }

    /// A copy with `column` added or replaced.
    public func with(_ name: String, _ column: PanelColumn) throws -> Panel {
        var list = names.map { (name: $0, column: columns[$0]!) }
        if let i = names.firstIndex(of: name) { list[i].column = column } else { list.append((name, column)) }
        return try Panel(columns: list, source: source, lines: lines)
    }
}
