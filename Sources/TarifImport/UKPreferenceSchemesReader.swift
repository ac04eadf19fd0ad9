import TarifCore

/// The UK's preference schemes as the Trade Tariff service publishes them for its
/// rules-of-origin pages (`roo_schemes_uk.json`): `{"schemes": [{scheme_code, title,
/// validity_start_date, validity_end_date, countries, proofs, cumulation_methods, ord,
/// links}]}`. Each scheme becomes a ``PreferenceScheme`` of importer GBR; the registry
/// classifies it.
public struct UKPreferenceSchemesReader: PublicationReader {
    public static let format = "uk-roo-schemes-json"
    public static let scheduleRoles: [String] = []
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let document = try JSONArrayReader(source: source).document()
        guard case .array(let schemes)? = document["schemes"] else {
            throw TarifError(.badFile, "the file has no \"schemes\" array", at: SourceLocation(file: source.displayName, field: "schemes"))
        }
        var seen: Set<String> = []
        for (i, s) in schemes.enumerated() {
            func at(_ field: String) -> SourceLocation { SourceLocation(file: source.displayName, field: "schemes[\(i)].\(field)") }
            let code = s["scheme_code"]?.text ?? ""
            guard !code.isEmpty else { throw TarifError(.badFile, "a scheme has no scheme_code", at: at("scheme_code")) }
            guard seen.insert(code).inserted else { throw TarifError(.badFile, "scheme '\(code)' appears twice", at: at("scheme_code")) }
            let title = s["title"]?.text ?? ""
            guard !title.isEmpty else { throw TarifError(.badFile, "scheme '\(code)' has no title", at: at("title")) }
            let start: Day
            do { start = try Day(iso: s["validity_start_date"]?.text ?? "") } catch let e as TarifError { throw e.located(at("validity_start_date")) }
            var end: Day?
            if let text = s["validity_end_date"]?.text, !text.isEmpty {
                do { end = try Day(iso: text) } catch let e as TarifError { throw e.located(at("validity_end_date")) }
            }
            let members = (s["countries"]?.array ?? []).map(\.text).filter { !$0.isEmpty }
            guard !members.isEmpty else { throw TarifError(.badFile, "scheme '\(code)' lists no countries", at: at("countries")) }
            var cumulation: [String: [String]] = [:]
            if case .object(let methods)? = s["cumulation_methods"] {
                for (method, value) in methods { cumulation[method] = (value["countries"]?.array ?? []).map(\.text) }
            }
            let ord = s["ord"].map { o in [o["ord_title"]?.text ?? "", o["ord_date"]?.text ?? ""].filter { !$0.isEmpty }.joined(separator: ", ") }
            try emit(
                .preferenceScheme(
                    PreferenceScheme(
                        importer: .unitedKingdom, code: code, title: title, validFrom: start, validTo: end, members: members,
                        proofs: (s["proofs"]?.array ?? []).map { $0["summary"]?.text ?? "" }.filter { !$0.isEmpty },
                        cumulation: cumulation, originReference: ord.flatMap { $0.isEmpty ? nil : $0 },
                        links: (s["links"]?.array ?? []).map { $0["url"]?.text ?? "" }.filter { !$0.isEmpty })))
        }
    }
}
