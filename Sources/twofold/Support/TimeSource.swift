import ArgumentParser

/// Which clock `code` and `codes` compute TOTP codes with (README, "My codes are rejected").
enum TimeSource: String, CaseIterable, ExpressibleByArgument {
    /// This computer's clock.
    case system
    /// This computer's clock plus its measured offset from the relay's.
    case relay
}

/// `--time-source`, for the commands that show TOTP codes.
struct TimeSourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The clock for TOTP codes: system, or relay (this clock corrected by the relay's; default: the 'time-source' setting, else system).",
        valueName: "system|relay"))
    var timeSource: TimeSource?
}
