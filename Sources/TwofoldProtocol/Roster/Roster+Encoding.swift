extension Roster {
    /// The payload bytes (Protocol/crypto.md, "Roster").
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 100 + devices.count * 100)
        w.append(Self.formatVersion)
        w.append(recovery.signingKey)
        w.append(recovery.boxKey)
        w.append((passphrase == nil ? UInt8(0) : 1) | (recoveryCheck == nil ? 0 : 2))
        if let passphrase {
            w.append(passphrase.signingKey)
            w.append(passphrase.boxKey)
        }
        if let recoveryCheck {
            w.append(recoveryCheck)
            if let passphraseCheck { w.append(passphraseCheck) }
        }
        w.append(UInt16(devices.count))
        for device in devices {
            w.append(device.id.bytes)
            w.append(device.signingKey)
            w.append(device.boxKey)
            w.append(device.addedMilliseconds)
            let name = Array(device.name.utf8)
            w.append(UInt8(name.count))
            w.append(name)
        }
        return w.bytes
    }

    /// Parses payload bytes. Exactly one encoding is accepted: devices strictly ascending
    /// by id, flags 0 or 1, names valid, no trailing bytes.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        var r = ByteReader(bytes, what: "roster payload")
        let version = try r.readUInt8()
        guard version == Self.formatVersion else { throw .unsupportedVersion(what: "roster payload", version: version) }
        let recovery = AccountPublicKeys(signingKey: try r.read(count: 32), boxKey: try r.read(count: 32))
        let flags = try r.readUInt8()
        guard flags <= 3 else { throw .malformed(what: "roster payload", reason: "unknown flags \(flags)") }
        var passphrase: AccountPublicKeys?
        if flags & 1 != 0 {
            passphrase = AccountPublicKeys(signingKey: try r.read(count: 32), boxKey: try r.read(count: 32))
        }
        var recoveryCheck: [UInt8]?, passphraseCheck: [UInt8]?
        if flags & 2 != 0 {
            recoveryCheck = try r.read(count: 32)
            if passphrase != nil { passphraseCheck = try r.read(count: 32) }
        }
        let count = Int(try r.readUInt16())
        var devices: [Device] = []
        for _ in 0..<count {
            let id = try DeviceID(bytes: try r.read(count: 16))
            let signingKey = try r.read(count: 32)
            let boxKey = try r.read(count: 32)
            let added = try r.readUInt64()
            let nameLength = Int(try r.readUInt8())
            guard let name = String(validating: try r.read(count: nameLength), as: UTF8.self) else {
                throw .malformed(what: "roster payload", reason: "device \(id) name is not UTF-8")
            }
            devices.append(Device(id: id, signingKey: signingKey, boxKey: boxKey, addedMilliseconds: added, name: name))
        }
        try r.expectEnd()
        self.recovery = recovery
        self.passphrase = passphrase
        self.recoveryCheck = recoveryCheck
        self.passphraseCheck = passphraseCheck
        self.devices = devices  // not re-sorted: validate() refuses any order but ascending
        try validate()
    }
}
