import ArgumentParser

@main
struct TarifCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarif",
        abstract: "Tariff schedules, duties, and the agreements and institutions of international trade, from official sources.",
        discussion: """
            Build the database once with `tarif data build`, then ask:
              tarif lines IDN 1006.30          lines under a code
              tarif lines USA --search rice    search descriptions (English or Indonesian)
              tarif rate IDN 1006.30.99        the published rates of a line
              tarif duty USA 6109.10.00 --from VNM --value 10000    every treatment, the applied one, why
              tarif duty --batch shipments.csv > duties.csv
              tarif markets --from IDN --product 0901.21 where an Indonesian product pays least
              tarif origins --to USA --line 6109.10.00   who competes with a preference
              tarif country IDN                the WTO, blocs and agreements of a country
              tarif common IDN VNM --on 2024-01-01
              tarif agreement RCEP             parties with their own dates
              tarif eligible USA A --origin IDN --on 2020-06-01
            """,
        subcommands: [
            DataCommand.self, LinesCommand.self, RateCommand.self, DutyCommand.self, LandedCommand.self, MatrixCommand.self, ChangesCommand.self, HistoryCommand.self, MarketsCommand.self, OriginsCommand.self, AuditCommand.self, OriginCommand.self, SimulateCommand.self, GravityCommand.self, CountryCommand.self, AgreementsCommand.self,
            AgreementCommand.self, CommonCommand.self, EligibleCommand.self, InstitutionsCommand.self, InstitutionCommand.self, ServeCommand.self,
        ])
}
