import ArgumentParser

/// `twofold`: two-factor tokens, kept safe across devices.
struct TwofoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twofold",
        abstract: "Keep two-factor (TOTP/HOTP/Steam) tokens in an encrypted vault and show their codes.",
        discussion: """
            The vault lives in --home (default $TWOFOLD_HOME, then $XDG_DATA_HOME/twofold, \
            then ~/.local/share/twofold). Errors go to stderr as one line; exit status 1 \
            for errors, 2 for usage errors.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, AddCommand.self, ListCommand.self, CodeCommand.self, CodesCommand.self,
            EditCommand.self, RemoveCommand.self, ImportCommand.self, ExportCommand.self, PassphraseCommand.self,
            SyncCommand.self, StatusCommand.self, RestoreCommand.self, BackupCommand.self, RelayCommand.self,
            LinkCommand.self, ApproveCommand.self, ConflictsCommand.self,
            UnlockCommand.self, LockCommand.self, SnapshotsCommand.self, DevicesCommand.self, RecoveryKeyCommand.self, DoctorCommand.self, ConfigCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
