import Foundation
import Logging
import PostgresNIO
import Testing
import TwofoldCrypto
import TwofoldProtocol
@testable import TwofoldRelay

/// What only the PostgreSQL store has (issue 8): the `--database` URL, migrations under an
/// advisory lock, and the notifications that carry changes between replicas. The
/// ``RelayStore`` contract itself is ``RelayStoreTests``, run on both stores.
@Suite struct PostgresStoreTests {
    @Test func databaseURLsAndTheirRefusals() throws {
        let full = try PostgresLocation(url: "postgres://relay:s%40cret@db.internal:6432/twofold?sslmode=require", environment: [:])
        #expect(full.user == "relay" && full.password == "s@cret" && full.host == "db.internal" && full.port == 6432)
        #expect(full.database == "twofold" && full.tls == .require)
        #expect(full.description == "postgres://relay@db.internal:6432/twofold")  // never the password
        let short = try PostgresLocation(url: "postgresql://relay@127.0.0.1", environment: ["PGPASSWORD": "pw"])
        #expect(short.port == 5432 && short.database == "relay" && short.password == "pw" && short.tls == .prefer)
        let socket = try PostgresLocation(url: "postgres://relay@/twofold?host=/run/postgresql", environment: [:])
        #expect(socket.socketDirectory == "/run/postgresql")
        let v6 = try PostgresLocation(url: "postgres://relay@[::1]:5433/x", environment: [:])
        #expect(v6.host == "::1" && v6.port == 5433)
        for bad in ["mysql://relay@host/db", "postgres://host/db", "postgres://relay@host:99999/db", "postgres://relay@host/db?sslmode=maybe",
                    "postgres://relay@host/db?color=blue", "postgres://relay@/db"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try PostgresLocation(url: bad, environment: [:]) }
            do { _ = try PostgresLocation(url: bad, environment: [:]) } catch let error as ConfigurationError {
                #expect(!error.description.contains("\n") && error.description.contains("postgres://"), "\(error)")
            }
        }
        // The setting: flag, environment variable and config-file key like the others.
        let configured = try RelayConfiguration(settings: ["database": "postgres://relay@127.0.0.1:5432/twofold"])
        #expect(configured.postgres?.database == "twofold")
        #expect(try RelayConfiguration(settings: ["database": "sqlite:/tmp/relay-x"]).postgres == nil)
        #expect(try RelayConfiguration(settings: ["database": "sqlite:/tmp/relay-x"]).dataDirectory == "/tmp/relay-x")
        #expect(throws: ConfigurationError.self) { try RelayConfiguration(settings: ["database": "relay.db"]) }
        let loaded = try RelayConfiguration.load(flags: [:], environment: ["TWOFOLD_RELAY_DATABASE": "postgres://u@h/d", "HOME": "/tmp"])
        #expect(loaded.postgres?.host == "h")
        #expect(RelayConfiguration.settingNames.contains("database"))
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func replicasStartingTogetherMigrateOnceAndANewerSchemaIsRefused() async throws {
        let (location, drop) = try await PostgresTestServer.createDatabase()
        // Eight replicas start at once on an empty database: the advisory lock lets one
        // migrate, the others find it done; all share one pair of secrets.
        let stores = try await withThrowingTaskGroup(of: PostgresRelayStore.self) { group in
            for _ in 0..<8 { group.addTask { try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 2) } }
            return try await group.reduce(into: [PostgresRelayStore]()) { $0.append($1) }
        }
        #expect(stores.count == 8)
        var secrets = Set<[UInt8]>()
        for store in stores {
            #expect(try await store.schemaVersion() == Int64(PostgresRelayStore.migrations.count))
            secrets.insert(try await store.secretBytes("auth_secret"))
        }
        #expect(secrets.count == 1)
        // A database a newer relay migrated with a breaking change is refused in one line.
        try await stores[0].client.query("""
            INSERT INTO relay_schema (version, name, requires, applied_at_ms) VALUES (99, 'from-the-future', 99, 0)
            """)
        await #expect {
            _ = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger)
        } throws: { error in
            "\(error)".contains("written by a newer twofold-relay: upgrade twofold-relay") && !"\(error)".contains("\n")
        }
        for store in stores { await store.close() }
        await drop()
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func committedWritesReachTheOtherReplicasHubAndDirectory() async throws {
        let (location, drop) = try await PostgresTestServer.createDatabase()
        let one = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
        let two = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
        // Replica 1: its hub, its directory and its listener.
        let hub = PushHub(clock: SystemRelayClock())
        let directory = DeviceDirectory()
        let listening = AsyncStream<Void>.makeStream()
        let listener = PostgresChangeListener(store: one, fanOut: hub, directory: directory, logger: PostgresTestServer.logger,
                                              onListening: { listening.continuation.yield() })
        let task = Task { try await listener.run() }
        var ready = listening.stream.makeAsyncIterator()
        _ = await ready.next()

        let account = AccountID.random(), writer = DeviceID.random(), reader = DeviceID.random()
        let grants = [GrantEntry(recipient: .device(writer), sealed: [1]), GrantEntry(recipient: .recovery, sealed: [2])]
        try await two.createAccount(NewAccount(
            accountID: account, device: DeviceKeys(deviceID: writer, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
            recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: nil, grants: grants),
            inviteHash: nil, nowMs: 1)
        directory.set(device: reader, account: account, status: .active)
        let stream = try hub.subscribe(account: account, device: reader, expiresAtMs: .max, perDevice: 4, perAccount: 64)
        let writerStream = try hub.subscribe(account: account, device: writer, expiresAtMs: .max, perDevice: 4, perAccount: 64)
        var events = stream.events.makeAsyncIterator()
        let quotas = StoreQuotas(maxRecords: 10, maxRecordBytes: 10_000, maxSnapshots: 1, maxSnapshotBytes: 1)
        // A refused write announces nothing; a committed one reaches replica 1's streams.
        await #expect(throws: RelayError.self) {
            _ = try await two.push(account: account, device: writer, writes: [], head: HeadWrite(counter: 5, head: [1], expectedCounter: 4),
                                   quotas: quotas, nowMs: 2)
        }
        let outcome = try await two.push(account: account, device: writer, writes: [], head: HeadWrite(counter: 1, head: [1], expectedCounter: nil),
                                         quotas: quotas, nowMs: 2)
        #expect(await events.next() == .records(seq: outcome.seq))
        // The same process's own notifications are skipped: its routes already delivered them.
        _ = try await one.push(account: account, device: writer, writes: [], head: HeadWrite(counter: 2, head: [1], expectedCounter: 1),
                               quotas: quotas, nowMs: 3)
        // A rotation through replica 2: epoch and records to the others, and the revoked
        // device refused on replica 1 and its stream closed.
        try await two.openMailbox(LinkOffer(rendezvousID: Array(repeating: 1, count: 10),
                                            device: DeviceKeys(deviceID: reader, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
                                            tag: [1]), collectHash: [1], expiresAtMs: .max, nowMs: 3)
        try await two.replyToMailbox(rendezvousID: Array(repeating: 1, count: 10), account: account, from: writer, epoch: 1, grant: [1],
                                     tag: [1], nowMs: 3)
        let rotation = Rotation(fromEpoch: 1, toEpoch: 2, revoke: [reader], records: [], grants: grants, recovery: nil, passphrase: .keep,
                                head: HeadWrite(counter: 3, head: [1], expectedCounter: 2))
        _ = try await two.rotate(account: account, device: writer, rotation: rotation, quotas: quotas, nowMs: 4)
        #expect(await events.next() == .revoked)
        #expect(await events.next() == nil)
        #expect(directory.standing(device: reader, account: account) == .revoked)
        // Deleting the account (an admin command anywhere) closes its streams everywhere; the
        // writer heard nothing before (its own writes are never announced to it).
        #expect(try await two.deleteAccount(account, nowMs: 5))
        var writerEvents = writerStream.events.makeAsyncIterator()
        #expect(await writerEvents.next() == .revoked)
        #expect(directory.standing(device: writer, account: account) == .accountDeleted)
        task.cancel()
        await one.close()
        await two.close()
        await drop()
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func theListenerReconnectsWhenItsConnectionDrops() async throws {
        let (location, drop) = try await PostgresTestServer.createDatabase()
        let one = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
        let two = try await PostgresRelayStore.open(location, logger: PostgresTestServer.logger, maximumConnections: 4)
        let hub = PushHub(clock: SystemRelayClock())
        let listening = AsyncStream<Void>.makeStream()
        let listener = PostgresChangeListener(store: one, fanOut: hub, directory: DeviceDirectory(), logger: PostgresTestServer.logger,
                                              onListening: { listening.continuation.yield() })
        let task = Task { try await listener.run() }
        var ready = listening.stream.makeAsyncIterator()
        _ = await ready.next()
        let account = AccountID.random(), writer = DeviceID.random()
        try await two.createAccount(NewAccount(
            accountID: account, device: DeviceKeys(deviceID: writer, signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)),
            recovery: AccountKeys(signKey: SecureRandom.bytes(32), boxKey: SecureRandom.bytes(32)), passphrase: nil,
            grants: [GrantEntry(recipient: .device(writer), sealed: [1]), GrantEntry(recipient: .recovery, sealed: [2])]),
            inviteHash: nil, nowMs: 1)
        let stream = try hub.subscribe(account: account, device: .random(), expiresAtMs: .max, perDevice: 4, perAccount: 64)
        var events = stream.events.makeAsyncIterator()
        // The server drops every other connection to the database, the listener's among them.
        try await two.client.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        _ = await ready.next()  // listening again
        let quotas = StoreQuotas(maxRecords: 10, maxRecordBytes: 10_000, maxSnapshots: 1, maxSnapshotBytes: 1)
        let outcome = try await two.push(account: account, device: writer, writes: [], head: HeadWrite(counter: 1, head: [1], expectedCounter: nil),
                                         quotas: quotas, nowMs: 2)
        #expect(await events.next() == .records(seq: outcome.seq))
        task.cancel()
        await one.close()
        await two.close()
        await drop()
    }
}
