import Foundation
import TarifCore

/// Prints rows as an aligned table, CSV, or JSON.
struct Output {
    let format: OutputFormat

    /// Prints `rows` under `header` (table or CSV), or `value` as JSON.
    func emit<T: Encodable>(header: [String], rows: [[String]], json value: T, title: String? = nil, footer: [String] = []) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        case .csv:
            print(header.map(Self.csvField).joined(separator: ","))
            for row in rows { print(row.map(Self.csvField).joined(separator: ",")) }
        case .table:
            if let title { print(title) }
            print(Self.table(header: header, rows: rows))
            for line in footer { print(line) }
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Columns padded to their widest cell; cells wider than 60 characters are wrapped onto more lines.
    static func table(header: [String], rows: [[String]]) -> String {
        let maxWidth = 60
        let all = [header] + rows
        var widths = header.map { $0.count }
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = min(maxWidth, max(widths[i], cell.count)) } }
        var out: [String] = []
        func render(_ row: [String]) {
            let wrapped = row.enumerated().map { wrap($1, widths[$0]) }
            let height = wrapped.map(\.count).max() ?? 1
            for lineIndex in 0..<height {
                let cells = wrapped.enumerated().map { i, lines in
                    let text = lineIndex < lines.count ? lines[lineIndex] : ""
                    return text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                }
                out.append(cells.joined(separator: "  ").trimmingTrailingSpaces())
            }
        }
        render(header)
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        rows.forEach(render)
        return out.joined(separator: "\n")
    }

    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.count + word.count + 1 > width, !current.isEmpty {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = String(current.dropFirst(width))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}

