import Foundation
import TarifCore

/// A horizontal bar chart as a self-contained SVG document (no scripts, no fonts to fetch).
public struct SVGBarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// Printed after the bar ("Free (USMCA)").
        public var note: String
        public var highlighted: Bool

        public init(label: String, value: Double, note: String = "", highlighted: Bool = false) {
            self.label = label
            self.value = value
            self.note = note
            self.highlighted = highlighted
        }
    }

    public var title: String
    public var unit: String
    public var bars: [Bar]
    /// The line under the chart.
    public var caption: String

    public init(title: String, unit: String, bars: [Bar], caption: String? = nil) {
        self.title = title
        self.unit = unit
        self.bars = bars
        self.caption = caption ?? "Tarif — bars in \(unit.trimming(" ")); lower is better for the exporter"
    }

    /// Writes the chart to `path`.
    public func write(to path: String) throws {
        try Data(render().utf8).write(to: URL(fileURLWithPath: path))
    }

    public func render() -> String {
        let rowHeight = 22.0
        let labelWidth = 220.0
        let barWidth = 420.0
        let noteWidth = 260.0
        let top = 46.0
        let height = top + Double(bars.count) * rowHeight + 30
        let width = labelWidth + barWidth + noteWidth
        // Bars grow from zero: right for positive values, left for negative ones.
        let maxValue = max(bars.map(\.value).max() ?? 0, 0)
        let minValue = min(bars.map(\.value).min() ?? 0, 0)
        let scale = (barWidth - 10) / max(maxValue - minValue, 1e-9)
        let zero = labelWidth + -minValue * scale
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(Self.escape(title))">
            <title>\(Self.escape(title))</title>
            <style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:600}.n{fill:#555}</style>
            <rect width="100%" height="100%" fill="#fff"/>
            <text class="t" x="10" y="24">\(Self.escape(title))</text>

            """
        for (i, b) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = max(1, abs(b.value) * scale)
            let x = b.value < 0 ? zero - w : zero
            let fill = b.highlighted ? "#d9822b" : "#2b6cb0"
            s += """
                <text x="\(Int(labelWidth - 8))" y="\(Self.f(y + 15))" text-anchor="end">\(Self.escape(b.label))</text>
                <rect x="\(Self.f(x))" y="\(Self.f(y + 4))" width="\(Self.f(w))" height="\(Self.f(rowHeight - 8))" fill="\(fill)"><title>\(Self.escape(b.label)): \(Self.f(b.value)) \(Self.escape(unit))</title></rect>
                <text class="n" x="\(Self.f(max(zero, x + w) + 6))" y="\(Self.f(y + 15))">\(Self.f(b.value))\(Self.escape(unit)) \(Self.escape(b.note))</text>

                """
        }
        if minValue < 0 {
            s += "<line x1=\"\(Self.f(zero))\" y1=\"\(Int(top))\" x2=\"\(Self.f(zero))\" y2=\"\(Int(height - 26))\" stroke=\"#888\"/>\n"
        }
        s += "<text class=\"n\" x=\"10\" y=\"\(Int(height - 10))\">\(Self.escape(caption))</text>\n</svg>\n"
        return s
    }

    static func f(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// Point estimates with 95% confidence intervals (a coefficient plot), as SVG.
public struct SVGCoefficientPlot: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var estimate: Double
        public var standardError: Double
        public init(label: String, estimate: Double, standardError: Double) {
            self.label = label
            self.estimate = estimate
            self.standardError = standardError
        }
    }

    public var title: String
    public var points: [Point]
    public var caption: String

    public init(title: String, points: [Point], caption: String) {
        self.title = title
        self.points = points
        self.caption = caption
    }

    public func write(to path: String) throws {
        try Data(render().utf8).write(to: URL(fileURLWithPath: path))
    }

    public func render() -> String {
        let rowHeight = 26.0, labelWidth = 200.0, plotWidth = 460.0, noteWidth = 230.0, top = 46.0
        let height = top + Double(points.count) * rowHeight + 40
        let width = labelWidth + plotWidth + noteWidth
        func ci(_ p: Point) -> (Double, Double) {
            let h = p.standardError.isFinite ? 1.959964 * p.standardError : 0
            return (p.estimate - h, p.estimate + h)
        }
        let lo = min(0, points.map { ci($0).0 }.min() ?? 0)
        let hi = max(0, points.map { ci($0).1 }.max() ?? 0)
        let span = max(hi - lo, 1e-9)
        func x(_ v: Double) -> Double { labelWidth + 10 + (v - lo) / span * (plotWidth - 20) }
        let e = SVGBarChart.escape, f = SVGBarChart.f
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(e(title))">
            <title>\(e(title))</title>
            <style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:600}.n{fill:#555}</style>
            <rect width="100%" height="100%" fill="#fff"/>
            <text class="t" x="10" y="24">\(e(title))</text>
            <line x1="\(f(x(0)))" y1="\(Int(top))" x2="\(f(x(0)))" y2="\(Int(height - 30))" stroke="#888" stroke-dasharray="3,3"/>

            """
        for (i, p) in points.enumerated() {
            let y = top + Double(i) * rowHeight + rowHeight / 2
            let (a, b) = ci(p)
            s += """
                <text x="\(Int(labelWidth - 8))" y="\(f(y + 4))" text-anchor="end">\(e(p.label))</text>
                <line x1="\(f(x(a)))" y1="\(f(y))" x2="\(f(x(b)))" y2="\(f(y))" stroke="#2b6cb0" stroke-width="2"/>
                <circle cx="\(f(x(p.estimate)))" cy="\(f(y))" r="4" fill="#d9822b"><title>\(e(p.label)): \(p.estimate) (s.e. \(p.standardError))</title></circle>
                <text class="n" x="\(Int(labelWidth + plotWidth + 6))" y="\(f(y + 4))">\(String(format: "%.4f [%.4f, %.4f]", p.estimate, a, b))</text>

                """
        }
        s += "<text class=\"n\" x=\"10\" y=\"\(Int(height - 10))\">\(e(caption))</text>\n</svg>\n"
        return s
    }
}

/// A heat map as a self-contained SVG document: rows × columns of cells coloured by value
/// (green for low, through yellow, to red for high), each with its value in a tooltip, and a
/// legend; an empty cell (no value) is grey.
public struct SVGHeatMap: Sendable {
    public var title: String
    public var rows: [String]
    public var columns: [String]
    /// `values[row][column]`.
    public var values: [[Double?]]
    public var unit: String
    public var caption: String

    public init(title: String, rows: [String], columns: [String], values: [[Double?]], unit: String, caption: String) {
        self.title = title
        self.rows = rows
        self.columns = columns
        self.values = values
        self.unit = unit
        self.caption = caption
    }

    public func write(to path: String) throws {
        try Data(render().utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The colour of a share `t` of the scale (0 green, 0.5 yellow, 1 red).
    static func colour(_ t: Double) -> String {
        let x = min(max(t, 0), 1)
        let (r, g, b): (Double, Double, Double) = x < 0.5
            ? (26 + (250 - 26) * x * 2, 152 + (204 - 152) * x * 2, 80 + (21 - 80) * x * 2)
            : (250 + (192 - 250) * (x - 0.5) * 2, 204 + (0 - 204) * (x - 0.5) * 2, 21 + (32 - 21) * (x - 0.5) * 2)
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }

    public func render() -> String {
        let cell = 11.0
        let left = 70.0
        let top = 60.0
        let labels = 40.0
        let width = left + Double(columns.count) * cell + 20
        let height = top + Double(rows.count) * cell + labels + 70
        let maxValue = max(values.flatMap { $0.compactMap { $0 } }.max() ?? 0, 1e-9)
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(max(width, 520)))" height="\(Int(height))" viewBox="0 0 \(Int(max(width, 520))) \(Int(height))" role="img" aria-label="\(SVGBarChart.escape(title))">
            <title>\(SVGBarChart.escape(title))</title>
            <style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:11px;fill:#222}.t{font-size:15px;font-weight:600}.c{font-size:8px}</style>
            <rect width="100%" height="100%" fill="#fff"/>
            <text class="t" x="10" y="24">\(SVGBarChart.escape(title))</text>

            """
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * cell
            s += "<text x=\"\(left - 6)\" y=\"\(y + cell - 2)\" text-anchor=\"end\">\(SVGBarChart.escape(row))</text>\n"
            for (j, column) in columns.enumerated() {
                let v = j < values[i].count ? values[i][j] : nil
                let fill = v.map { Self.colour($0 / maxValue) } ?? "#e5e5e5"
                let tip = "\(row) ← \(column): " + (v.map { String(format: "%.2f", $0) + unit } ?? "no lines")
                s += "<rect x=\"\(left + Double(j) * cell)\" y=\"\(y)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(fill)\"><title>\(SVGBarChart.escape(tip))</title></rect>\n"
            }
        }
        let below = top + Double(rows.count) * cell + 4
        for (j, column) in columns.enumerated() {
            let x = left + Double(j) * cell + cell / 2
            s += "<text class=\"c\" transform=\"translate(\(x),\(below)) rotate(90)\" x=\"0\" y=\"3\">\(SVGBarChart.escape(column))</text>\n"
        }
        // The legend: five steps of the scale.
        let legendY = below + labels
        for k in 0...4 {
            let t = Double(k) / 4
            s += "<rect x=\"\(10 + Double(k) * 60)\" y=\"\(legendY)\" width=\"58\" height=\"10\" fill=\"\(Self.colour(t))\"/>"
            s += "<text x=\"\(10 + Double(k) * 60)\" y=\"\(legendY + 22)\">\(String(format: "%.1f", t * maxValue))\(SVGBarChart.escape(unit))</text>\n"
        }
        s += "<text x=\"10\" y=\"\(legendY + 44)\">\(SVGBarChart.escape(caption))</text>\n</svg>\n"
        return s
    }
}
