import TwofoldCrypto
import TwofoldOTP
import TwofoldProtocol
import TwofoldVault

/// Errors whose `description` is already the one-line message a person should see.
protocol UserFacingError: Error, CustomStringConvertible {}

extension VaultError: UserFacingError {}
extension OTPError: UserFacingError {}
extension ProtocolError: UserFacingError {}
extension CryptoError: UserFacingError {}
