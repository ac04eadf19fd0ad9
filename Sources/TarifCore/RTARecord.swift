/// One regional trade agreement as the WTO's RTA database records it (the RTA-IS "All RTAs"
/// export): what was notified, by whom, under which provision, and each party's own dates.
public struct RTARecord: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    /// `Goods`, `Services`, `Goods & Services`.
    public var coverage: String
    /// `FTA`, `CU`, `PSA`, `EIA` and their combinations (`FTA & EIA`).
    public var type: String
    /// `GATT Art. XXIV`, `Enabling Clause`, `GATS Art. V` and their combinations.
    public var notification: String
    /// `In Force`, `Inactive`, `Early announcement-…`, `In force for at least one Party`.
    public var status: String
    public var signedGoods: Day?
    public var inForceGoods: Day?
    public var inForceServices: Day?
    public var inactive: Day?
    /// `Bilateral`, `Plurilateral; One Party is an RTA`…
    public var composition: String
    public var currentSignatories: [String]
    public var originalSignatories: [String]
    /// Each party's own entry (and exit) as the export states it.
    public var partyDates: [RTAPartyDates]
    public var remarks: String
    /// The changes the "RTA Changes" sheet records for it (accessions, amendments).
    public var changes: [RTAChange]
    /// The row of the export, for messages.
    public var row: Int

    public init(
        id: Int, name: String, coverage: String, type: String, notification: String, status: String, signedGoods: Day?, inForceGoods: Day?,
        inForceServices: Day?, inactive: Day?, composition: String, currentSignatories: [String], originalSignatories: [String],
        partyDates: [RTAPartyDates], remarks: String, changes: [RTAChange] = [], row: Int
    ) {
        self.id = id
        self.name = name
        self.coverage = coverage
        self.type = type
        self.notification = notification
        self.status = status
        self.signedGoods = signedGoods
        self.inForceGoods = inForceGoods
        self.inForceServices = inForceServices
        self.inactive = inactive
        self.composition = composition
        self.currentSignatories = currentSignatories
        self.originalSignatories = originalSignatories
        self.partyDates = partyDates
        self.remarks = remarks
        self.changes = changes
        self.row = row
    }
}

/// A party's own dates in an agreement: `Vanuatu(11-Oct-2022 - )`.
public struct RTAPartyDates: Sendable, Hashable, Codable {
    public var party: String
    /// `nil` where the export writes `01-Jan-9999` (not yet in force for the party) or leaves it empty.
    public var entry: Day?
    /// The last day the party was in.
    public var exit: Day?
    /// The export writes 9999: not yet in force for this party.
    public var pending: Bool

    public init(party: String, entry: Day?, exit: Day?, pending: Bool) {
        self.party = party
        self.entry = entry
        self.exit = exit
        self.pending = pending
    }
}

/// A change to an agreement the WTO was notified of.
public struct RTAChange: Sendable, Hashable, Codable {
    public var parties: String
    /// `Goods`, `Services`…
    public var affects: String
    public var notified: Day?
    public var signed: Day?
    public var inForce: Day?
    public var remarks: String

    public init(parties: String, affects: String, notified: Day?, signed: Day?, inForce: Day?, remarks: String) {
        self.parties = parties
        self.affects = affects
        self.notified = notified
        self.signed = signed
        self.inForce = inForce
        self.remarks = remarks
    }
}
