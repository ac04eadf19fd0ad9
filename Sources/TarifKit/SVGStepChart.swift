import Foundation
public import TarifCore

/// A value through time as steps (a line's duty through the revisions of a schedule), each
/// change marked and labelled, as a self-contained SVG document.
public struct SVGStepChart: Sendable {
    public struct Step: Sendable {
        public var from: Day
        public var until: Day?
        /// Nil: no value over the step (drawn as a gap).
        public var value: Double?
        /// Printed at the step's start when it is a change ("+ 9903.01.61 +32% (IEEPA)").
        public var label: String

        public init(from: Day, until: Day?, value: Double?, label: String) {
            self.from = from
            self.until = until
            self.value = value
            self.label = label
        }
    }

    public var title: String
    public var unit: String
    public var steps: [Step]
    public var caption: String

    public init(title: String, unit: String, steps: [Step], caption: String) {
        self.title = title
        self.unit = unit
        self.steps = steps
        self.caption = caption
    }

    public func write(to path: String) throws {
        try Data(render().utf8).write(to: URL(fileURLWithPath: path))
    }

    public func render() -> String {
        let e = SVGBarChart.escape, f = SVGBarChart.f
        let left = 70.0, plotWidth = 760.0, top = 50.0, plotHeight = 260.0
        let labelled = steps.filter { !$0.label.isEmpty }
        let height = top + plotHeight + 40 + Double(labelled.count) * 16 + 20
        let width = left + plotWidth + 30
        guard let first = steps.first?.from else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><title>\(e(title))</title></svg>\n"
        }
        // The last step open: drawn a tenth of the span (at least a month) past its start.
        let lastStart = steps.last!.from
        let end = steps.last!.until ?? lastStart.adding(days: max(30, (lastStart.ordinal - first.ordinal) / 10))
        let span = Double(max(1, end.ordinal - first.ordinal))
        func x(_ d: Day) -> Double { left + Double(d.ordinal - first.ordinal) / span * plotWidth }
        let top1 = max(steps.compactMap(\.value).max() ?? 0, 1e-9) * 1.1
        func y(_ v: Double) -> Double { top + plotHeight - v / top1 * plotHeight }
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(e(title))">
            <title>\(e(title))</title>
            <style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:600}.n{fill:#555;font-size:11px}</style>
            <rect width="100%" height="100%" fill="#fff"/>
            <text class="t" x="10" y="24">\(e(title))</text>
            <line x1="\(f(left))" y1="\(f(top + plotHeight))" x2="\(f(left + plotWidth))" y2="\(f(top + plotHeight))" stroke="#888"/>
            <line x1="\(f(left))" y1="\(f(top))" x2="\(f(left))" y2="\(f(top + plotHeight))" stroke="#888"/>

            """
        for k in 0...4 {
            let v = top1 / 1.1 * Double(k) / 4
            s += "<text class=\"n\" x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(f(v))\(e(unit))</text>\n"
        }
        s += "<text class=\"n\" x=\"\(f(left))\" y=\"\(f(top + plotHeight + 16))\">\(first)</text>\n"
        s += "<text class=\"n\" x=\"\(f(left + plotWidth))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"end\">\(end)</text>\n"
        var previous: (x: Double, y: Double)?
        var n = 0
        for step in steps {
            let x0 = x(step.from), x1 = x(step.until ?? end)
            guard let v = step.value else {
                previous = nil
                continue
            }
            let y0 = y(v)
            if let p = previous { s += "<line x1=\"\(f(p.x))\" y1=\"\(f(p.y))\" x2=\"\(f(x0))\" y2=\"\(f(y0))\" stroke=\"#2b6cb0\" stroke-width=\"2\"/>\n" }
            s += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x1))\" y2=\"\(f(y0))\" stroke=\"#2b6cb0\" stroke-width=\"2\"><title>\(e("\(step.from): \(f(v))\(unit)"))</title></line>\n"
            if !step.label.isEmpty {
                n += 1
                s += "<circle cx=\"\(f(x0))\" cy=\"\(f(y0))\" r=\"3\" fill=\"#d9822b\"/><text class=\"n\" x=\"\(f(x0 + 4))\" y=\"\(f(y0 - 5))\">\(n)</text>\n"
                s += "<text class=\"n\" x=\"10\" y=\"\(f(top + plotHeight + 36 + Double(n - 1) * 16))\">\(n). \(e("\(step.from): \(step.label)"))</text>\n"
            }
            previous = (x1, y0)
        }
        s += "<text class=\"n\" x=\"10\" y=\"\(Int(height - 8))\">\(e(caption))</text>\n</svg>\n"
        return s
    }
}
