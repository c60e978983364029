import TwofoldVault

/// Carries an unlocked ``Vault`` into the async part of a command (``AsyncBridge``). The
/// vault is not `Sendable`; this is sound because the command hands it over and then only
/// waits: exactly one task uses it.
struct SendableVault: @unchecked Sendable {
    let vault: Vault
}
