import Foundation
import TarifKit

/// A progress bar on standard error when it is a terminal; one line per phase otherwise.
struct TerminalProgress: ProgressObserver {
    let interactive = isatty(2) == 1

    func report(phase: String, fraction: Double) {
        guard interactive else { return }
        let width = 30
        let filled = Int((min(1, max(0, fraction)) * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        write("\r\(bar) \(String(format: "%3.0f%%", fraction * 100)) \(phase)\u{1B}[K")
    }

    func finish(phase: String) {
        if interactive { write("\r\u{1B}[K") }
    }

    private func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}
