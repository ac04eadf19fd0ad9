public import TarifCore

/// A loaded staged schedule with its size.
public struct StagedScheduleSummary: Sendable, Codable, Hashable {
    public var schedule: StagedSchedule
    public var lines: Int
    public var stages: Int
    public var firstStage: Day?
    public var lastStage: Day?
}
