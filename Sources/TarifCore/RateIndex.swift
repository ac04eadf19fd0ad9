/// An in-memory index of MFN rates: for an importer, a line and a day, the rate in force.
///
/// Versions of a schedule are kept sorted by start day; a look-up finds the version by
/// binary search and the line by hash, walking up to the nearest published parent
/// (a US 10-digit line to its 8-digit rate line).
public struct RateIndex: Sendable {
    struct Version: Sendable {
        var validFrom: Day
        var validFromOrdinal: Int
        /// The first day it no longer holds, when the version has a known end.
        var validUntilOrdinal: Int = .max
        var currency: Currency
        var rates: [TariffCode: DutyExpression]
    }

    /// The versions of each importer's MFN series, oldest first.
    var versions: [CountryCode: [Version]]

    public struct Builder {
        var versions: [CountryCode: [Version]] = [:]

        public init() {}

        public mutating func add(
            importer: CountryCode, series: String, validFrom: Day, currency: Currency, rates: [TariffCode: DutyExpression],
            validUntil: Day? = nil
        ) {
            guard series == ScheduleInfo.mfnSeries(for: importer) else { return }
            versions[importer, default: []].append(
                Version(
                    validFrom: validFrom, validFromOrdinal: validFrom.ordinal, validUntilOrdinal: validUntil?.ordinal ?? .max, currency: currency,
                    rates: rates))
        }

        public func build() -> RateIndex {
            RateIndex(versions: versions.mapValues { $0.sorted { $0.validFromOrdinal < $1.validFromOrdinal } })
        }
    }

    /// The importers indexed.
    public var importers: [CountryCode] { versions.keys.sorted() }

    /// The number of (version, line) rates held.
    public var count: Int { versions.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.rates.count } } }

    /// All codes with a rate in the newest version of an importer's schedule (for benchmarks and scans).
    public func codes(of importer: CountryCode) -> [TariffCode] {
        versions[importer]?.last.map { Array($0.rates.keys) } ?? []
    }

    /// The MFN rate in force for a line on a day, with the code it is published on and the currency.
    public func mfnRate(importer: CountryCode, code: TariffCode, on day: Day) -> (code: TariffCode, rate: DutyExpression, currency: Currency)? {
        mfnRate(importer: importer, code: code, dayOrdinal: day.ordinal)
    }

    /// The same look-up with the day as ``Day/ordinal``, for hot loops.
    public func mfnRate(importer: CountryCode, code: TariffCode, dayOrdinal: Int) -> (code: TariffCode, rate: DutyExpression, currency: Currency)? {
        guard let list = versions[importer] else { return nil }
        // The last version starting on or before the day.
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].validFromOrdinal <= dayOrdinal { low = mid + 1 } else { high = mid }
        }
        guard low > 0, dayOrdinal < list[low - 1].validUntilOrdinal else { return nil }
        let version = list[low - 1]
        var candidate = code
        while true {
            if let rate = version.rates[candidate] { return (candidate, rate, version.currency) }
            guard let p = candidate.parent else { return nil }
            candidate = p
        }
    }
}
