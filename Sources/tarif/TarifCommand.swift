import ArgumentParser

@main
struct TarifCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarif",
        abstract: "Tariff schedules, duties, and the agreements and institutions of international trade, from official sources.",
        discussion: """
            Build the database once with `tarif data build`, then ask:
              tarif lines IDN 1006.30          lines under a code
              tarif lines USA --search rice    search descriptions (English or Indonesian)
              tarif rate IDN 1006.30.99        the published rates of a line
              tarif duty IDN 1006.30.99 --value 1000000000 --quantity 2000000kg
              tarif country IDN                the WTO, blocs and agreements of a country
              tarif common IDN VNM --on 2024-01-01
              tarif agreement RCEP             parties with their own dates
              tarif eligible USA A --origin IDN --on 2020-06-01
            """,
        subcommands: [
            DataCommand.self, LinesCommand.self, RateCommand.self, DutyCommand.self, CountryCommand.self, AgreementsCommand.self,
            AgreementCommand.self, CommonCommand.self, EligibleCommand.self, InstitutionsCommand.self, InstitutionCommand.self,
        ])
}
