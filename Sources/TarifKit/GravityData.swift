import Foundation
import TarifCore
import TarifImport
public import TarifSimulation

/// Reads gravity panels and coefficient files.
public enum GravityData {
    /// Reads a CSV panel and keeps the rows that pass every filter (`year in 1986,1990`).
    /// - Throws: ``TarifError`` naming the file, line and column of a non-number in a numeric
    ///   column, a short row, or an empty file; or a malformed filter.
    /// - Parameters:
    ///   - maxBytes: the most bytes read once uncompressed (`nil`: no bound).
    ///   - deadline: reading stops with `.timeout` past it (the server's time limit).
    public static func panel(
        at path: String, where filters: [String], displayName: String? = nil, maxBytes: Int? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> Panel {
        var panel = try self.panel(at: path, displayName: displayName, maxBytes: maxBytes, deadline: deadline)
        for text in filters { panel = panel.subset(try PanelFilter(parsing: text).mask(panel)) }
        return panel
    }

    /// Reads a CSV panel (`.csv` or `.csv.gz`). A column whose first non-empty cell is a number
    /// is numeric (empty cells and `NA` are missing); any other column holds labels.
    public static func panel(
        at path: String, displayName: String? = nil, maxBytes: Int? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> Panel {
        let source = try ByteSource(path: path, displayName: displayName, maxBytes: maxBytes)
        let csv = try CSVReader(source: source)
        let header = csv.header.map { $0.trimming(" \u{FEFF}") }
        enum Builder {
            case unknown(missing: Int)
            case numbers([Double])
            case labels([Int32], [String: Int32], [String])
        }
        var builders = [Builder](repeating: .unknown(missing: 0), count: header.count)
        var lines: [Int] = []
        func isMissing(_ s: Substring) -> Bool { s.isEmpty || s == "NA" || s == "NaN" || s == "nan" || s == "." }
        while let record = try csv.next() {
            let f = record.fields
            guard f.count == header.count else {
                throw TarifError(.badFile, "\(f.count) fields where the header has \(header.count)", at: SourceLocation(file: source.displayName, line: record.line))
            }
            lines.append(record.line)
            if let deadline, lines.count & 4095 == 0, ContinuousClock.now > deadline {
                throw TarifError(.timeout, "reading the panel passed the time limit at line \(record.line); send a smaller panel")
            }
            for c in header.indices {
                let cell = f[c].utf8.first == 32 || f[c].utf8.last == 32 ? Substring(f[c].trimming(" ")) : Substring(f[c])
                switch builders[c] {
                case .unknown(let missing):
                    if isMissing(cell) {
                        builders[c] = .unknown(missing: missing + 1)
                    } else if let v = Double(cell) {
                        builders[c] = .numbers([Double](repeating: .nan, count: missing) + [v])
                    } else {
                        builders[c] = .labels([Int32](repeating: -1, count: missing) + [0], [String(cell): 0], [String(cell)])
                    }
                case .numbers(var v):
                    builders[c] = .unknown(missing: 0)  // release the buffer while appending
                    if isMissing(cell) {
                        v.append(.nan)
                    } else if let x = Double(cell) {
                        v.append(x)
                    } else {
                        throw TarifError(.badNumber, "'\(cell)' is not a number (column '\(header[c])' is numeric)",
                                         at: SourceLocation(file: source.displayName, line: record.line, column: c + 1, field: header[c]))
                    }
                    builders[c] = .numbers(v)
                case .labels(var codes, var index, var levels):
                    builders[c] = .unknown(missing: 0)
                    if cell.isEmpty {
                        codes.append(-1)
                    } else if let code = index[String(cell)] {
                        codes.append(code)
                    } else {
                        let code = Int32(levels.count)
                        index[String(cell)] = code
                        levels.append(String(cell))
                        codes.append(code)
                    }
                    builders[c] = .labels(codes, index, levels)
                }
            }
        }
        guard !lines.isEmpty else { throw TarifError(.badFile, "no rows", at: SourceLocation(file: source.displayName)) }
        let columns: [(name: String, column: PanelColumn)] = zip(header, builders).map { name, b in
            switch b {
            case .unknown(let missing): (name, .numbers([Double](repeating: .nan, count: missing)))
            case .numbers(let v): (name, .numbers(v))
            case .labels(let codes, _, let levels): (name, .labels(codes: codes, levels: levels))
            }
        }
        return try Panel(columns: columns, source: source.displayName, lines: lines)
    }
}

extension GravityData {
    /// Reads trade-cost coefficients: the JSON `tarif gravity estimate --format json` writes,
    /// or a CSV with `variable` and `coefficient` columns (`log(dist)` for a logged variable).
    /// - Throws: ``TarifError`` for an unreadable file, a bad number or a variable named twice.
    public static func coefficients(at path: String) throws -> [(GravityFormula.Regressor, Double)] {
        func regressor(_ name: String) throws -> GravityFormula.Regressor { try GEStudy.regressor(name, place: path) }
        if path.hasSuffix(".json") {
            let data = try JSONFile.data(at: URL(fileURLWithPath: path), displayName: path)
            do {
                let estimate = try JSONDecoder().decode(GravityEstimate.self, from: data)
                return try estimate.coefficients.map { (try regressor($0.name), $0.estimate) }
            } catch let e as TarifError {
                throw e
            } catch {
                throw TarifError(.badFile, "not the JSON of `tarif gravity estimate --format json`: \(error)", at: SourceLocation(file: path))
            }
        }
        let source = try ByteSource(path: path)
        let csv = try CSVReader(source: source)
        let cols = try csv.columns(["variable", "coefficient"])
        var out: [(GravityFormula.Regressor, Double)] = []
        while let r = try csv.next() {
            let name = r.fields[cols[0]].trimming(" ")
            guard let beta = Double(r.fields[cols[1]].trimming(" ")), beta.isFinite else {
                throw TarifError(.badNumber, "'\(r.fields[cols[1]])' is not a number", at: SourceLocation(file: source.displayName, line: r.line, column: cols[1] + 1, field: "coefficient"))
            }
            let reg = try regressor(name)
            guard !out.contains(where: { $0.0 == reg }) else {
                throw TarifError(.badInput, "\(name) is given twice", at: SourceLocation(file: source.displayName, line: r.line, field: "variable"))
            }
            out.append((reg, beta))
        }
        guard !out.isEmpty else { throw TarifError(.badFile, "no coefficients", at: SourceLocation(file: source.displayName)) }
        return out
    }
}
