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
        try read(source, memo: Memo(), emit: emit)
    }

    /// What the rate texts read as, kept from one revision of the schedule to the next (most
    /// texts recur in every revision): reading 44 revisions costs little more than one. One
    /// reader uses a memo at a time (workers reading revisions side by side have one each).
    public final class Memo: @unchecked Sendable {
        let parser = DutyExpressionParser(dialect: .usHTS)
        let special = SpecialRateParser()
        private var rates: [String: Result<DutyExpression?, TarifError>] = [:]
        private var grants: [String: Result<[SpecialRateParser.Grant], TarifError>] = [:]
        /// Texts kept at most; past it, texts are read each time (bounded memory on hostile input).
        static let capacity = 200_000

        public init() {}

        func rate(_ text: String) throws -> DutyExpression? {
            if let known = rates[text] { return try known.get() }
            let result = Result { () throws(TarifError) in try parse(text) }
            if rates.count < Self.capacity { rates[text] = result }
            return try result.get()
        }

        private func parse(_ text: String) throws(TarifError) -> DutyExpression? {
            do { return try parser.parse(text) } catch let e as TarifError { throw e } catch { throw TarifError(.badFile, "\(error)") }
        }

        func special(_ text: String) throws -> [SpecialRateParser.Grant] {
            if let known = grants[text] { return try known.get() }
            let result = Result { () throws(TarifError) in
                do { return try special.parse(text) } catch let e as TarifError { throw e } catch { throw TarifError(.badFile, "\(error)") }
            }
            if grants.count < Self.capacity { grants[text] = result }
            return try result.get()
        }
    }

    public func read(_ source: ByteSource, memo: Memo, emit: (ImportEvent) throws -> Void) throws {
        let json = JSONArrayReader(source: source)
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
            for (field, kind) in [("general", RateKind.mfn), ("other", .nonMFN)] {
                let text = row[field]?.text ?? ""
                do {
                    guard let expression = try memo.rate(text) else { continue }
                    try emit(.rate(schedule: "mfn", LineRate(code: code, kind: kind, text: text, expression: expression)))
                } catch let error as TarifError {
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(location: place(field), code: code, kind: kind, text: text, reason: error.message)))
                }
            }
            let specialText = row["special"]?.text ?? ""
            do {
                for grant in try memo.special(specialText) {
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
