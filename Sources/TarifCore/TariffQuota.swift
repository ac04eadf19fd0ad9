/// A tariff-rate quota of a preference: within a volume per period, the goods of the partner
/// pay the in-quota rate (often nothing); beyond it, the preferential or MFN rate. Whether
/// volume is left on a day is the customs' own count (first come, first served, or licences),
/// which no publication Tarif reads holds: an answer shows the quota beside the rate, never in
/// place of it.
public struct TariffQuota: Sendable, Hashable, Codable {
    public var importer: CountryCode
    /// The registry id of the agreement whose quota it is (`GBR-albania`).
    public var agreement: String
    /// The partner as the publication names it, and its ISO alpha-2 code where it has one (a
    /// group such as Central America has none: every party of the agreement).
    public var partnerName: String
    public var partnerAlpha2: String?
    /// The members of a group the quota is not open to (Central America ex Panama).
    public var exceptAlpha2: [String] = []
    /// The quota order number (`05.1500`).
    public var orderNumber: String
    /// The code the quota is written on: every line under it.
    public var code: TariffCode
    public var inQuotaText: String
    public var inQuota: DutyExpression?
    /// The part of the year the in-quota rate holds (`01-06 to 31-10`); nil: all of it.
    public var ratePeriod: String?
    /// The volume and its unit, as published (`7`, `tonnes`), and the quota period (`CY`: the calendar year).
    public var volume: String
    public var unit: String
    public var quotaPeriod: String
    /// The yearly increase of the volume, as published, when there is one.
    public var increase: String?
    /// Whether the quota is reserved for goods originating in the partner ("origin quota").
    public var originQuota: Bool
    /// Where the row is (`trq_data4.xlsx TRQs!A2`).
    public var source: String
    /// The in-quota rate year by year where the publication stages it (calendar years, in
    /// order); the last stage holds for the years after it. `nil`: the in-quota rate above
    /// holds every year.
    public var stages: [Stage]?

    /// One year's in-quota rate.
    public struct Stage: Sendable, Hashable, Codable {
        public var year: Int
        public var text: String
        public var expression: DutyExpression?

        public init(year: Int, text: String, expression: DutyExpression?) {
            self.year = year
            self.text = text
            self.expression = expression
        }
    }

    /// The in-quota rate on `day`: the stage of its calendar year (the last stage after the
    /// last year), or the rate of the quota row when it is not staged or `day` is before the
    /// first stage. `year` is the stage's year when a stage applies.
    public func inQuota(on day: Day) -> (text: String, expression: DutyExpression?, year: Int?) {
        guard let stages, let stage = stages.last(where: { $0.year <= day.year }) else { return (inQuotaText, inQuota, nil) }
        return (stage.text, stage.expression, stage.year)
    }

    public init(
        importer: CountryCode, agreement: String, partnerName: String, partnerAlpha2: String?, exceptAlpha2: [String] = [], orderNumber: String,
        code: TariffCode,
        inQuotaText: String, inQuota: DutyExpression?, ratePeriod: String?, volume: String, unit: String, quotaPeriod: String,
        increase: String?, originQuota: Bool, source: String
    ) {
        self.importer = importer
        self.agreement = agreement
        self.partnerName = partnerName
        self.partnerAlpha2 = partnerAlpha2
        self.exceptAlpha2 = exceptAlpha2
        self.orderNumber = orderNumber
        self.code = code
        self.inQuotaText = inQuotaText
        self.inQuota = inQuota
        self.ratePeriod = ratePeriod
        self.volume = volume
        self.unit = unit
        self.quotaPeriod = quotaPeriod
        self.increase = increase
        self.originQuota = originQuota
        self.source = source
    }

    /// "7 tonnes a calendar year", "48.1 tonnes from 01-07 to 30-06".
    public var volumeText: String {
        let period = quotaPeriod == "CY" ? "a calendar year" : "in each period \(quotaPeriod)"
        return "\(volume) \(unit) \(period)"
    }
}

extension TariffQuota: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("agreement", agreement)
        json.field("code", code)
        json.field("exceptAlpha2", exceptAlpha2)
        json.field("importer", importer)
        json.field("inQuota", inQuota)
        json.field("inQuotaText", inQuotaText)
        json.field("increase", increase)
        json.field("orderNumber", orderNumber)
        json.field("originQuota", originQuota)
        json.field("partnerAlpha2", partnerAlpha2)
        json.field("partnerName", partnerName)
        json.field("quotaPeriod", quotaPeriod)
        json.field("ratePeriod", ratePeriod)
        json.field("source", source)
        json.field("stages", stages)
        json.field("unit", unit)
        json.field("volume", volume)
        json.endObject()
    }
}

extension TariffQuota.Stage: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("expression", expression)
        json.field("text", text)
        json.field("year", year)
        json.endObject()
    }
}
