import ArgumentParser

@main
struct TarifCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarif",
        abstract: "Tariff schedules, duty expressions and MFN duties from official publications.",
        discussion: """
            Build the database once with `tarif data build`, then ask:
              tarif lines IDN 1006.30          lines under a code
              tarif lines USA --search rice    search descriptions (English or Indonesian)
              tarif rate IDN 1006.30.99        the published rates of a line
              tarif duty IDN 1006.30.99 --value 1000000000 --quantity 2000000kg
            """,
        subcommands: [DataCommand.self, LinesCommand.self, RateCommand.self, DutyCommand.self])
}
