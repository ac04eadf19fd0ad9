public import TarifCore
public import TarifImport
public import TarifRegistry

/// Where a curated fact of the registry and the WTO's RTA export disagree. The curated
/// fact stands (it is the instrument's own); the disagreement is listed, never hidden.
public struct RegistryConflict: Sendable, Hashable, Codable {
    public var agreement: String
    public var rtaID: Int
    /// What differs: `signature`, `entry into force (goods)`, `IDN's entry`, `IDN's exit`.
    public var fact: String
    public var curated: String
    public var export: String
    /// The curated fact's source.
    public var source: String
}

/// The WTO export beside the curated registry: the disagreements, and each export record
/// with the curated agreement that carries its RTA ID.
public struct RTAComparison: Sendable {
    public var conflicts: [RegistryConflict]
    /// Party names of the export's specific dates that no country matches.
    public var unmatchedParties: [String]
    /// Curated agreements whose `wtoRTAID` the export does not have.
    public var missingIDs: [String]

    /// - Parameter records: the export's agreements (as `data build` stores them, or read from a file).
    public init(registry: Registry, records: [RTARecord], countries: [Country]) {
        let lookup = CountryLookup(countries)
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var conflicts: [RegistryConflict] = []
        var unmatched: Set<String> = []
        var missing: [String] = []
        // The curated agreements and the UK schemes; those the export itself brought in are its own.
        for agreement in registry.agreements where agreement.origin != RegistryLoader.rtaOrigin {
            guard let id = agreement.wtoRTAID else { continue }
            guard let record = byID[id] else {
                missing.append(agreement.id)
                continue
            }
            let source = agreement.sources.first?.title ?? "registry"
            func add(_ fact: String, _ curated: String, _ exported: String) {
                conflicts.append(RegistryConflict(agreement: agreement.id, rtaID: id, fact: fact, curated: curated, export: exported, source: source))
            }
            if let signed = agreement.signed, signed.precision == .day, let s = record.signedGoods, s != signed.day {
                add("signature", signed.description, s.description)
            }
            if let inForce = agreement.inForce, inForce.precision == .day, let f = record.inForceGoods, f != inForce.day {
                add("entry into force (goods)", inForce.description, f.description)
            }
            // Each party's own dates.
            for dates in record.partyDates {
                guard let country = lookup.find(dates.party)?.code else {
                    unmatched.insert(dates.party)
                    continue
                }
                guard let party = agreement.parties.first(where: { $0.party.country == country }) else {
                    if dates.entry != nil, dates.exit == nil { add("\(country.rawValue) a party", "not a party", "party from \(dates.entry!)") }
                    continue
                }
                let curatedEntry = party.from?.day ?? agreement.inForce?.day
                if dates.pending {
                    add("\(country.rawValue)'s entry", curatedEntry?.description ?? "in force", "not yet in force for it")
                } else if let e = dates.entry, let c = curatedEntry, e != c {
                    add("\(country.rawValue)'s entry", c.description, e.description)
                }
                // The export gives the last day a party was in; the registry the first day it no longer is.
                if let x = dates.exit, party.to?.day != Day(ordinal: x.ordinal + 1) {
                    add("\(country.rawValue)'s exit (first day out)", party.to?.description ?? "none", Day(ordinal: x.ordinal + 1).description)
                }
            }
        }
        self.conflicts = conflicts
        self.unmatchedParties = unmatched.sorted()
        self.missingIDs = missing
    }
}
