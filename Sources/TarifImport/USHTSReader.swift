import TarifCore

/// The Harmonized Tariff Schedule of the United States as the USITC exports it in
/// JSON (`htsno, indent, description, superior, units, general, special, other,
/// footnotes, quotaQuantity, additionalDuties`), gzip-compressed or not.
///
/// Column 1 General is the MFN rate; column 1 Special lists preferential rates with
/// the program symbols of General Note 3(c)(i); column 2 is the rate for countries
/// without normal trade relations. Rows without an `htsno` are headers that only
/// carry a description for the indent path.
public struct USHTSReader: PublicationReader {
    public static let format = "hts-json"
    public static let scheduleRoles = ["mfn"]
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let json = JSONArrayReader(source: source)
        let parser = DutyExpressionParser(dialect: .usHTS)
        let special = SpecialRateParser()
        var path = PathStack()
        while let row = try json.next() {
            let line = json.elementLine
            let at = SourceLocation(file: source.displayName, line: line, field: "htsno")
            guard case .object = row else { throw TarifError(.badFile, "an array element is not an object", at: at) }
            let indentText = row["indent"]?.text ?? ""
            guard let indent = Int(indentText) else {
                throw TarifError(.badFile, "indent '\(indentText)' is not a number", at: SourceLocation(file: source.displayName, line: line, field: "indent"))
            }
            let description = DutyExpressionParser.fold(row["description"]?.text ?? "")
            let parents = path.enter(depth: indent, text: description)
            let number = row["htsno"]?.text ?? ""
            if number.isEmpty { continue }
            let code: TariffCode
            do { code = try TariffCode(number) } catch let e as TarifError { throw e.located(at) }
            let units = (row["units"]?.array ?? []).map(\.text).filter { !$0.isEmpty }
            try emit(.line(schedule: "mfn", TariffLine(code: code, indent: indent, descriptionEnglish: description, units: units, path: parents)))
            func place(_ field: String) -> SourceLocation { SourceLocation(file: source.displayName, line: line, field: field) }
            try emitRate(row["general"]?.text ?? "", code: code, kind: .mfn, schedule: "mfn", parser: parser, at: place("general"), emit: emit)
            try emitRate(row["other"]?.text ?? "", code: code, kind: .nonMFN, schedule: "mfn", parser: parser, at: place("other"), emit: emit)
            let specialText = row["special"]?.text ?? ""
            do {
                for grant in try special.parse(specialText) {
                    for program in grant.programs.isEmpty ? [nil] : grant.programs.map(Optional.some) {
                        try emit(
                            .rate(schedule: "mfn", LineRate(code: code, kind: .preferential, program: program, text: grant.text, expression: grant.expression)))
                    }
                }
            } catch let error as TarifError {
                try emit(
                    .unparsed(
                        schedule: "mfn",
                        UnparsedRate(location: place("special"), code: code, kind: .preferential, text: specialText, reason: error.message)))
            }
            for footnote in row["footnotes"]?.array ?? [] {
                let text = DutyExpressionParser.fold(footnote["value"]?.text ?? "")
                guard !text.isEmpty else { continue }
                let columns = (footnote["columns"]?.array ?? []).map(\.text).joined(separator: ",")
                try emit(.note(schedule: "mfn", LineNote(code: code, kind: "footnote:\(columns)", text: text)))
            }
            for (key, kind) in [("additionalDuties", "additional_duties"), ("quotaQuantity", "quota_quantity")] {
                let text = DutyExpressionParser.fold(row[key]?.text ?? "")
                if !text.isEmpty { try emit(.note(schedule: "mfn", LineNote(code: code, kind: kind, text: text))) }
            }
        }
    }
}
