import Foundation
import TarifCore
import Testing

@testable import TarifKit

/// The server's clock: today's UTC day from arithmetic, checked against Foundation's calendar.
struct TodayTests {
    static let calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func calendarDay(_ date: Date) -> Day {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    @Test func everyDayFrom1890To2110MatchesTheCalendar() {
        // Noon and the last second of each day: both in the day, never the next one.
        let start = -80 * 365 * 86_400.0
        for n in 0..<(220 * 366) {
            for offset in [43_200.0, 86_399.0] {
                let date = Date(timeIntervalSince1970: start + Double(n) * 86_400 + offset)
                #expect(Day.utcDay(of: date) == Self.calendarDay(date), "\(date)")
            }
        }
    }

    @Test func leapDaysAndCenturies() {
        let cases: [(TimeInterval, Day)] = [
            (0, Day(year: 1970, month: 1, day: 1)!),
            (951_782_400, Day(year: 2000, month: 2, day: 29)!),  // 2000 is a leap year
            (4_107_542_400, Day(year: 2100, month: 3, day: 1)!),  // 2100 is not
            (-1, Day(year: 1969, month: 12, day: 31)!),
        ]
        for (seconds, day) in cases { #expect(Day.utcDay(of: Date(timeIntervalSince1970: seconds)) == day) }
        #expect(Day.today() == Self.calendarDay(Date()) || Day.today() == Self.calendarDay(Date().addingTimeInterval(-5)))
    }
}
