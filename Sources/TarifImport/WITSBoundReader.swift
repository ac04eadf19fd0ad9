import TarifCore

/// A WITS download of a Member's WTO bound duties (the WTO Consolidated Tariff Schedules,
/// CTS): a zip holding one CSV (`TL, TLS, EX, Bound Duty AV, Bound Duty Binding Status,
/// Description, Source, Present Instrument, First Instrument, Present INR Text, ODC Duty AV,
/// Special Safeguard, …`) in Windows-1252.
///
/// `TL` is the national line of the schedule's nomenclature (Indonesia's Schedule XXI: nine
/// digits on an HS96 or HS02 basis, the leading zero of chapters 01–09 dropped). Status `B`
/// is bound at `Bound Duty AV` percent; `U` is unbound (no ceiling). An `EX` row binds part
/// of a line (an "ex" item): it is kept as a note of the line, not as the line's ceiling.
public struct WITSBoundReader: PublicationReader {
    public static let format = "wits-cts-zip"
    public static let scheduleRoles = ["bound"]
    public init() {}
    static let columns = [
        "TL", "TLS", "EX", "Bound Duty AV", "Bound Duty Binding Status", "Description", "Source", "Present Instrument", "First Instrument",
        "Present INR Text", "ODC Duty AV", "Special Safeguard",
    ]

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        var seen: Set<TariffCode> = []
        var bound: Set<TariffCode> = []
        try WITSRecords.forEach(source, columns: Self.columns, download: "a WITS bound-duty (CTS) download") { row in
                let field = row.field
                let at = row.at
                guard let digits = WITSTariffReader.lineNumber(field("TL")), (7...9).contains(digits.count) else {
                    throw TarifError(.badCode, "'\(InputLimits.echo(field("TL")))' is not a national line of up to nine digits", at: at("TL"))
                }
                // Nine-digit lines; chapters 01–09 lost their leading zero.
                let padded = String(repeating: "0", count: 9 - digits.count) + digits
                let code: TariffCode
                do { code = try TariffCode(padded) } catch let e as TarifError { throw e.located(at("TL")) }
                let ex = field("EX")
                let status = field("Bound Duty Binding Status")
                let instrument = [field("Present Instrument"), field("First Instrument")].filter { !$0.isEmpty }.joined(separator: "; earlier ")
                if seen.insert(code).inserted {
                    try emit(.line(schedule: "bound", TariffLine(code: code, indent: 0, descriptionEnglish: DutyExpressionParser.fold(field("Description")))))
                }
                let basis = field("Source")
                var notes: [String] = []
                if !basis.isEmpty { notes.append("nomenclature \(basis)") }
                if !instrument.isEmpty { notes.append("instrument \(instrument)") }
                if !field("Present INR Text").isEmpty { notes.append("initial negotiating rights: \(field("Present INR Text"))") }
                if field("Special Safeguard") == "SSG" { notes.append("special safeguard (Agreement on Agriculture Art. 5)") }
                if let odc = ExactDecimal(field("ODC Duty AV")), !odc.isZero { notes.append("other duties and charges bound at \(odc.normalized)%") }
                let subItem = field("TLS")
                if !ex.isEmpty || !subItem.isEmpty {
                    // An ex item or a numbered sub-item binds part of the line: not the line's ceiling.
                    let rate = status == "U" ? "unbound" : "\(field("Bound Duty AV"))%"
                    let label = ex.isEmpty ? "item \(subItem)" : ex
                    try emit(.note(schedule: "bound", LineNote(code: code, kind: "binding_part", text: "\(label): \(DutyExpressionParser.fold(field("Description"))) — \(rate)")))
                    return
                }
                for n in notes { try emit(.note(schedule: "bound", LineNote(code: code, kind: "binding", text: n))) }
                switch status {
                case "U":
                    try emit(.note(schedule: "bound", LineNote(code: code, kind: "binding_status", text: "unbound")))
                case "B":
                    guard bound.insert(code).inserted else {
                        throw TarifError(.badFile, "line \(code) is bound twice", at: at("TL"))
                    }
                    let text = field("Bound Duty AV")
                    guard let p = ExactDecimal(text), !p.isNegative, p <= ExactDecimal(1000) else {
                        try emit(.unparsed(schedule: "bound", UnparsedRate(location: at("Bound Duty AV"), code: code, kind: .bound, text: text, reason: "not a percentage")))
                        return
                    }
                    try emit(
                        .rate(
                            schedule: "bound",
                            LineRate(code: code, kind: .bound, text: "\(p.normalized)%", expression: p.isZero ? .free(condition: nil) : .adValorem(Percentage(p), basis: .customsValue))))
                default:
                    throw TarifError(.badFile, "binding status '\(InputLimits.echo(status))' is neither B (bound) nor U (unbound)", at: at("Bound Duty Binding Status"))
                }
        }
    }
}
