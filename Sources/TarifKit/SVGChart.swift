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
        let maxValue = max(bars.map(\.value).max() ?? 0, 1e-9)
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(Self.escape(title))">
            <title>\(Self.escape(title))</title>
            <style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:600}.n{fill:#555}</style>
            <rect width="100%" height="100%" fill="#fff"/>
            <text class="t" x="10" y="24">\(Self.escape(title))</text>

            """
        for (i, b) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = max(1, b.value / maxValue * (barWidth - 10))
            let fill = b.highlighted ? "#d9822b" : "#2b6cb0"
            s += """
                <text x="\(Int(labelWidth - 8))" y="\(Self.f(y + 15))" text-anchor="end">\(Self.escape(b.label))</text>
                <rect x="\(Int(labelWidth))" y="\(Self.f(y + 4))" width="\(Self.f(w))" height="\(Self.f(rowHeight - 8))" fill="\(fill)"><title>\(Self.escape(b.label)): \(Self.f(b.value)) \(Self.escape(unit))</title></rect>
                <text class="n" x="\(Self.f(labelWidth + w + 6))" y="\(Self.f(y + 15))">\(Self.f(b.value))\(Self.escape(unit)) \(Self.escape(b.note))</text>

                """
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
