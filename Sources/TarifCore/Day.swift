/// A calendar day with no time and no time zone: the unit in which tariffs,
/// agreements and memberships take effect (`2023-01-02`).
///
/// Tarif never reads the clock inside its core: every question takes its day
/// explicitly (`on: Day`).
public struct Day: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day, or `nil` when no such day exists (`2023-02-29`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses ISO 8601 `YYYY-MM-DD` exactly.
    /// - Throws: ``TarifError`` `.badDate` naming the text when it is not a real day.
    public init(iso text: String) throws {
        // Ten bytes: four digits, a dash, two digits, a dash, two digits.
        var digits = (year: 0, month: 0, day: 0)
        var wellFormed = text.utf8.count == 10
        if wellFormed {
            for (i, b) in text.utf8.enumerated() {
                if i == 4 || i == 7 {
                    wellFormed = wellFormed && b == UInt8(ascii: "-")
                } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    let d = Int(b &- UInt8(ascii: "0"))
                    switch i {
                    case ..<4: digits.year = digits.year * 10 + d
                    case ..<7: digits.month = digits.month * 10 + d
                    default: digits.day = digits.day * 10 + d
                    }
                } else {
                    wellFormed = false
                }
            }
        }
        guard wellFormed else {
            throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a date in the form YYYY-MM-DD")
        }
        guard let value = Day(year: digits.year, month: digits.month, day: digits.day) else {
            throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a day of the calendar")
        }
        self = value
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }
}

extension Day: CustomStringConvertible {
    public var description: String {
        if (0...9999).contains(year) {
            // Every real day: ten digits and dashes written in place.
            return String(unsafeUninitializedCapacity: 10) { out in
                func put(_ n: Int, at end: Int, width: Int) {
                    var n = n
                    for i in stride(from: end, to: end - width, by: -1) {
                        out[i] = UInt8(ascii: "0") + UInt8(n % 10)
                        n /= 10
                    }
                }
                put(year, at: 3, width: 4)
                out[4] = UInt8(ascii: "-")
                put(month, at: 6, width: 2)
                out[7] = UInt8(ascii: "-")
                put(day, at: 9, width: 2)
                return 10
            }
        }
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try Day(iso: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A closed-open span of days `[start, end)`; `end == nil` is open-ended.
public struct Validity: Sendable, Hashable, Codable {
    public var start: Day
    /// The first day on which it no longer holds.
    public var end: Day?

    public init(start: Day, end: Day? = nil) {
        self.start = start
        self.end = end
    }

    public func contains(_ day: Day) -> Bool {
        day >= start && (end.map { day < $0 } ?? true)
    }
}
