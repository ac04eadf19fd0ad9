import Foundation
public import TarifCore
public import TarifRegistry

/// Reads the registry facts Tarif curates (the `Registry/` resources) and turns
/// importers' published preference schemes into agreements.
public enum RegistryLoader {
    struct WTOFile: Decodable {
        struct Developed: Decodable {
            var source: SourceRef
            var members: [CountryCode]
        }
        struct RegionOverride: Decodable {
            var country: CountryCode
            var region: String
        }
        var source: SourceRef
        var entries: [WTOEntry]
        var developed: Developed
        var ldcGraduations: [LDCGraduation]
        var regionOverrides: [RegionOverride]
        var territories: [Country]
    }
    struct InstitutionsFile: Decodable { var institutions: [Institution] }
    struct AgreementsFile: Decodable { var agreements: [Agreement] }
    struct ProgramsFile: Decodable { var programs: [PreferenceProgram] }
    struct InstrumentsFile: Decodable { var scheduleInstruments: [ScheduleInstrument] }
    struct NonMFNFile: Decodable {
        var mfnWithdrawals: [MFNWithdrawal]
        var lineExclusions: [LineExclusion]
    }
    struct SchemeOverlay: Decodable {
        struct Entry: Decodable {
            var type: AgreementType
            var basis: [NotificationBasis]
            var coverage: [Coverage]?
            var unilateral: Bool?
            var note: String?
        }
        var source: SourceRef
        var memberAliases: [String: String]
        var `default`: Entry
        var schemes: [String: Entry]
    }

    /// The curated facts and the loaded schemes, as a registry input.
    /// - Throws: ``TarifError`` naming the resource file and the field of a malformed entry.
    public static func input(countries: [Country], schemes: [PreferenceScheme]) throws -> RegistryInput {
        let wto = try decode(WTOFile.self, "wto")
        var all = countries
        let known = Set(countries.map(\.code))
        all += wto.territories.filter { !known.contains($0.code) }
        var agreements = try decode(AgreementsFile.self, "agreements").agreements.map {
            var a = $0
            a.origin = "Registry/agreements.json"
            return a
        }
        agreements += try agreementsFrom(schemes: schemes, countries: all)
        let nonMFN = try decode(NonMFNFile.self, "non-mfn")
        return RegistryInput(
            countries: all, wto: wto.entries, wtoSource: wto.source, developed: wto.developed.members,
            developedSource: wto.developed.source, ldcGraduations: wto.ldcGraduations,
            regionOverrides: Dictionary(wto.regionOverrides.map { ($0.country, $0.region) }, uniquingKeysWith: { a, _ in a }),
            institutions: try decode(InstitutionsFile.self, "institutions").institutions, agreements: agreements,
            programs: try decode(ProgramsFile.self, "programs").programs, mfnWithdrawals: nonMFN.mfnWithdrawals,
            lineExclusions: nonMFN.lineExclusions, scheduleInstruments: try decode(InstrumentsFile.self, "schedule-instruments").scheduleInstruments)
    }

    /// Each published scheme as an agreement between its importer (one side) and its
    /// members (the other): ids `GBR-<scheme code>`.
    /// - Throws: ``TarifError`` for a member code that names no country.
    public static func agreementsFrom(schemes: [PreferenceScheme], countries: [Country]) throws -> [Agreement] {
        guard !schemes.isEmpty else { return [] }
        let overlay = try decode(SchemeOverlay.self, "uk-schemes")
        var byAlpha2: [String: CountryCode] = [:]
        for c in countries where !c.alpha2.isEmpty { byAlpha2[c.alpha2] = c.code }
        return try schemes.map { s in
            let entry = overlay.schemes[s.code] ?? overlay.default
            let unilateral = entry.unilateral ?? false
            var parties = [Party(party: .country(s.importer), side: s.importer.rawValue, role: unilateral ? .grantor : nil)]
            for member in s.members {
                if member.first?.isLowercase == true { continue }  // the group's own label ("andean")
                let ref: PartyRef
                if member == "EU" {
                    ref = .bloc("EU")
                } else if let code = byAlpha2[overlay.memberAliases[member] ?? member] ?? (try? CountryCode(overlay.memberAliases[member] ?? "")) {
                    ref = .country(code)
                } else {
                    throw TarifError(
                        .badCountry, "scheme '\(s.code)' lists member '\(member)', which is no ISO 3166 alpha-2 code Tarif knows",
                        at: SourceLocation(file: "\(s.importer) preference schemes", field: "countries"))
                }
                parties.append(Party(party: ref, side: "partners", role: unilateral ? .beneficiary : nil))
            }
            let prefix = s.importer == .unitedKingdom ? "UK" : s.importer.rawValue
            var notes = ["Dates are when the scheme took effect in the \(prefix) tariff, not the original agreement's entry into force."]
            if let n = entry.note { notes.append(n) }
            return Agreement(
                id: "\(s.importer.rawValue)-\(s.code)", name: s.title, shortName: s.title.count <= 48 ? s.title : "\(prefix) scheme '\(s.code)'",
                aliases: ["\(prefix)-\(s.code)"], type: entry.type, coverage: entry.coverage ?? [.goods], basis: entry.basis,
                inForce: FactDate(s.validFrom), ended: s.validTo.map { FactDate($0.adding(days: 1)) }, parties: parties,
                proofOfOrigin: s.proofs.isEmpty ? nil : s.proofs,
                sources: [SourceRef(title: s.originReference ?? s.title, url: s.links.first), overlay.source], notes: notes,
                origin: "\(s.importer) preference schemes")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try BundledResource.decode(type, name, in: "Registry")
    }
}
