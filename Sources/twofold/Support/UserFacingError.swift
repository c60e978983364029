import TwofoldCrypto
import TwofoldImport
import TwofoldOTP
import TwofoldProtocol
import TwofoldSync
import TwofoldQR
import TwofoldVault

/// Errors whose `description` is already the one-line message a person should see.
protocol UserFacingError: Error, CustomStringConvertible {}

extension VaultError: UserFacingError {}
extension OTPError: UserFacingError {}
extension ProtocolError: UserFacingError {}
extension CryptoError: UserFacingError {}
extension SyncError: UserFacingError {}
extension HomeConfigError: UserFacingError {}
extension SecureFile.Failure: UserFacingError {}
extension ImportError: UserFacingError {}
extension QRError: UserFacingError {}
