import Foundation
import Testing
import TwofoldCrypto
import TwofoldProtocol

/// A hostile relay (issue 9; Protocol/threat-model.md, "A curious or malicious relay
/// operator"; sync.md, "Heads", "What is caught"), with the real `twofold-relay` and
/// `twofold` processes. The operator is played the way an operator would do it: by editing
/// the relay's SQLite store between syncs (``OperatedRelay``), and where a live rewrite
/// is needed by a proxy between the devices and the relay (``ClockSkewProxy`` with no
/// skew and a rewrite hook).
///
/// Every case that can be caught shows that it is, that the command exits 1 with one
/// clear line, that the device's home is as it was (``HomeImage``), and that once the relay
/// is repaired the devices converge again; the cases with nothing to catch (reordering,
/// a key swapped in the relay's device table, an inflated `latest_seq`) show that the
/// result is the same as with an honest relay.
///
/// Linking (a relay that swaps keys in the offer or the reply) is covered by
/// `LinkingTests/aRelayThatSwapsTheOfferedKeysIsRefusedByTheApprovingDevice`,
/// `LinkingTests/aRelayThatTampersTheReplyIsRefusedByTheNewDevice` and
/// `LinkingTests/theNewDeviceChecksTheRosterListsItAndTheApprovingDevice`.
@Suite("Hostile relay", .serialized)
struct HostileRelayTests {
    // MARK: Stored data changed

    /// The relay flips a byte of a stored record: of its ciphertext (the AEAD fails) or of
    /// its metadata (the head's digest fails first).
    @Test(arguments: ["ciphertext", "metadata"])
    func aFlippedRecordIsRefused(_ part: String) throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)

        let saved = relay.file("record.pickle")
        try relay.edit("""
            r = one('select * from record where kind = 1 order by seq desc limit 1')
            save(r)
            if '\(part)' == 'ciphertext':
                s = bytearray(r['sealed']); s[len(s) // 2] ^= 0x01
                c.execute('update record set sealed = ? where account_id = ? and record_id = ?', (bytes(s), r['account_id'], r['record_id']))
            else:
                v = r['version']; hlc = int(v.split('.')[0], 16) + 1
                c.execute('update record set version = ? where account_id = ? and record_id = ?',
                          ('%016x.%s' % (hlc, v.split('.')[1]), r['account_id'], r['record_id']))
            """, saved)
        let message = part == "ciphertext" ? "failed authentication" : "do not match its signed head"
        try expectRefused(b, ["sync"], mentioning: message)
        let refusedHome = try HomeImage(b)

        try relay.edit("""
            r = load()
            c.execute('update record set version = ?, sealed = ? where account_id = ? and record_id = ?',
                      (r['version'], r['sealed'], r['account_id'], r['record_id']))
            """, saved)
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
        let changed = try HomeImage(b) != refusedHome
        #expect(changed, "the home comparison did not see what a sync changed")
    }

    /// A locked sync (`sync --locked`, the daemon while locked) has no key, so it merges a
    /// record whose ciphertext the relay flipped — its metadata, which the head covers, is
    /// intact — and notes it as unverified (Protocol/sync.md, "Applying a pull", step 7).
    /// The first unlocked sync opens it, finds it damaged and fetches it again: while the
    /// relay still serves the flipped copy, that sync is refused in one line and changes
    /// nothing; once the relay is repaired, the good copy replaces the damaged one.
    /// (Before step 7 the device never fetched it again: its mirror already held that
    /// version, so the token stayed damaged on that device for good.)
    @Test func aFlippedRecordPulledWhileLockedIsFetchedAgainOnceRepaired() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)
        let saved = relay.file("record.pickle")
        try relay.edit("""
            r = one('select * from record where kind = 1 order by seq desc limit 1'); save(r)
            s = bytearray(r['sealed']); s[len(s) // 2] ^= 0x01
            c.execute('update record set sealed = ? where account_id = ? and record_id = ?', (bytes(s), r['account_id'], r['record_id']))
            """, saved)
        // Without the key nothing can tell (sync.md: a locked device merges by metadata).
        #expect(try b.run(["sync", "--locked"]).status == 0)
        // Unlocked, the damaged copy is found and fetched again; the relay still serves it.
        // The first such sync also forgets the copies that opened (the other token), so
        // only the second leaves the home exactly as it was.
        expectOneLine(try b.run(["sync"]), mentioning: "failed authentication")
        try expectRefused(b, ["sync"], mentioning: "failed authentication")

        try relay.edit("r = load(); c.execute('update record set sealed = ? where account_id = ? and record_id = ?', (r['sealed'], r['account_id'], r['record_id']))", saved)
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
        let listed = try b.run(["list"])
        #expect(listed.status == 0 && !listed.stderr.contains("damaged"), "\(listed.stderr)")
    }

    /// The relay flips a byte of the head it stores: the signature fails.
    @Test func aFlippedHeadIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)

        // Byte 40 is inside the set digest: the body no longer matches its signature.
        let flipHead = "h = bytearray(one('select head_bytes from account')['head_bytes']); h[40] ^= 0x01; c.execute('update account set head_bytes = ?', (bytes(h),))"
        try relay.edit(flipHead)
        try expectRefused(b, ["sync"], mentioning: "signature over head")
        try relay.edit(flipHead)  // flipped back
        try expectConverged([b, a], ["GitHub:alice:"])
    }

    /// The relay tampers with the grant of a device that follows a rotation: flips a byte
    /// of it (it no longer opens), or serves the device's grant of the old epoch as the new
    /// one's (it opens, but names epoch 1: [CRY-9]). The device adopts no key.
    @Test(arguments: ["flipped", "old epoch"])
    func aTamperedGrantIsRefusedWhenFollowingARotation(_ how: String) throws {
        let relay = try OperatedRelay()
        let (a, b, words, account) = try relay.lab.pair()
        let c = try restore(relay.lab, "c", words: words, account: account)
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let bID = try deviceID(b)
        let oldGrant = relay.file("old-grant.pickle"), newGrant = relay.file("new-grant.pickle")
        let saveGrant = "save(one('select * from account_grant where recipient = ?', sys.argv[3]))"
        try relay.edit(saveGrant, oldGrant, bID)
        let revoked = try a.run(["devices", "revoke", try deviceID(c)])
        try #require(revoked.status == 0, "\(revoked.stderr)")
        try relay.edit(saveGrant, newGrant, bID)

        let putGrant = "r = load(); c.execute('update account_grant set sealed = ? where account_id = ? and recipient = ?', (r['sealed'], r['account_id'], r['recipient']))"
        if how == "flipped" {
            try relay.edit("""
                r = load(); assert r['epoch'] == 2
                g = bytearray(r['sealed']); g[60] ^= 0x01
                c.execute('update account_grant set sealed = ? where account_id = ? and recipient = ?', (bytes(g), r['account_id'], r['recipient']))
                """, newGrant)
            try expectRefused(b, ["sync"], mentioning: "does not open with this device's key")
        } else {
            try relay.edit(putGrant, oldGrant)
            try expectRefused(b, ["sync"], mentioning: "epoch")
        }

        try relay.edit(putGrant, newGrant)
        try expectConverged([b, a], ["GitHub:alice:"])
    }

    /// The relay flips a byte of the recovery grant: a restore with the right words fails
    /// and leaves no vault behind; once repaired, the same words restore.
    @Test func aFlippedRecoveryGrantFailsARestore() throws {
        let relay = try OperatedRelay()
        let (a, _, words, account) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        let saved = relay.file("grant.pickle")
        try relay.edit("""
            r = one("select * from account_grant where recipient = 'recovery'")
            save(r)
            g = bytearray(r['sealed']); g[60] ^= 0x01
            c.execute('update account_grant set sealed = ? where account_id = ? and recipient = ?', (bytes(g), r['account_id'], r['recipient']))
            """, saved)

        let d = relay.lab.device("d")
        let refused = try d.run(["restore", "--relay", relay.lab.relay.url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                input: words)
        expectOneLine(refused, mentioning: "grant")
        #expect(!FileManager.default.fileExists(atPath: d.home.appendingPathComponent("vault.sqlite").path))

        try relay.edit("r = load(); c.execute('update account_grant set sealed = ? where account_id = ? and recipient = ?', (r['sealed'], r['account_id'], r['recipient']))", saved)
        let restored = try d.run(["restore", "--relay", relay.lab.relay.url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                 input: words)
        #expect(restored.status == 0, "\(restored.stderr)")
        try expectConverged([d, a], ["GitHub:alice:"])
    }

    /// The relay flips a byte of a stored snapshot: `snapshots restore` refuses it and
    /// writes nothing; once repaired, the restore brings the deleted token back.
    @Test func aFlippedSnapshotIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)
        let taken = try a.run(["snapshots", "take"])
        try #require(taken.status == 0, "\(taken.stderr)")
        let id = try #require(taken.stdout.firstMatch(of: /Snapshot ([0-9a-f]{32})/).map { String($0.output.1) }, "\(taken.stdout)")
        #expect(try a.run(["remove", "Mail"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)

        let flipSnapshot = "s = bytearray(one('select sealed from snapshot')['sealed']); s[100] ^= 0x01; c.execute('update snapshot set sealed = ?', (bytes(s),))"
        try relay.edit(flipSnapshot)
        try expectRefused(b, ["snapshots", "restore", id], mentioning: "failed authentication", recordsError: false)

        try relay.edit(flipSnapshot)
        let restored = try b.run(["snapshots", "restore", id])
        #expect(restored.status == 0, "\(restored.stderr)")
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
    }

    /// The relay serves another genuine snapshot of the account (an older one) when asked
    /// for a newer: it opens, but it is not the one the person chose. `snapshots restore`
    /// refuses it, so an old token content (a secret since changed, an old note) is not
    /// brought back as a new edit.
    @Test func anotherSnapshotServedInsteadIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["add", "--issuer", "Mail", "--account", "alice", "--secret", "JBSWY3DPEHPK3PXQ", "--note", "old"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        let older = try a.run(["snapshots", "take"])
        let olderID = try #require(older.stdout.firstMatch(of: /Snapshot ([0-9a-f]{32})/).map { String($0.output.1) }, "\(older.stdout)")
        #expect(try a.run(["edit", "Mail", "--note", "current"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        let newer = try a.run(["snapshots", "take"])
        let newerID = try #require(newer.stdout.firstMatch(of: /Snapshot ([0-9a-f]{32})/).map { String($0.output.1) }, "\(newer.stdout)")
        #expect(try a.run(["remove", "GitHub"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)

        let saved = relay.file("newer.pickle")
        try relay.edit("""
            newer = bytes.fromhex(sys.argv[3]); save(one('select sealed from snapshot where id = ?', newer))
            older = one('select sealed from snapshot where id != ?', newer)['sealed']
            c.execute('update snapshot set sealed = ? where id = ?', (older, newer))
            """, saved, newerID)
        try expectRefused(b, ["snapshots", "restore", newerID], mentioning: "served snapshot \(olderID)", recordsError: false)

        try relay.edit("c.execute('update snapshot set sealed = ? where id = ?', (load()['sealed'], bytes.fromhex(sys.argv[3])))", saved, newerID)
        let restored = try b.run(["snapshots", "restore", newerID])
        #expect(restored.status == 0, "\(restored.stderr)")
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:current"])
    }

    // MARK: Records withheld, replayed, moved

    /// The relay serves an older copy of a record again (the row saved before an edit, put
    /// back with a new seq): the device that saw the newer copy refuses it by its mirror
    /// ([SYN-8]); a device that never saw it refuses it by the head's digest.
    @Test func anOlderVersionOfARecordIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let old = relay.file("old.pickle"), new = relay.file("new.pickle")
        let saveRow = "save(one('select * from record where kind = 1'))"
        try relay.edit(saveRow, old)
        #expect(try a.run(["edit", "GitHub", "--note", "edited"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        try relay.edit(saveRow, new)

        let replay = """
            r = load(); s = one('select latest_seq from account')['latest_seq'] + 1
            c.execute('update record set version = ?, epoch = ?, deleted = ?, sealed = ?, seq = ? where account_id = ? and record_id = ?',
                      (r['version'], r['epoch'], r['deleted'], r['sealed'], s, r['account_id'], r['record_id']))
            c.execute('update account set latest_seq = ?', (s,))
            """
        try relay.edit(replay, old)
        try expectRefused(a, ["sync"], mentioning: "served an older copy of record")
        try expectRefused(b, ["sync"], mentioning: "do not match its signed head")

        try relay.edit(replay, new)
        try expectConverged([b, a], ["GitHub:alice:edited"])
    }

    /// The relay drops a record (deletes its row): the head's count and digest catch it.
    @Test func aDroppedRecordIsCaught() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)

        let saved = relay.file("dropped.pickle")
        try relay.edit("""
            r = one('select * from record where kind = 1 order by seq desc limit 1'); save(r)
            c.execute('delete from record where account_id = ? and record_id = ?', (r['account_id'], r['record_id']))
            c.execute('update account set record_count = record_count - 1')
            """, saved)
        try expectRefused(b, ["sync"], mentioning: "do not match its signed head")

        try relay.edit("""
            r = load(); c.execute('insert into record values (?, ?, ?, ?, ?, ?, ?, ?)', tuple(r[k] for k in
                ['account_id', 'record_id', 'kind', 'version', 'epoch', 'deleted', 'sealed', 'seq']))
            c.execute('update account set record_count = record_count + 1')
            """, saved)
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
    }

    /// The relay serves another account's record (a row of a second account on the same
    /// relay copied into the first, with a new seq): the head's digest catches it, and the
    /// record would not open under this account's AD anyway.
    @Test func anotherAccountsRecordIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, account) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let other = relay.lab.device("other")
        let created = try other.run(["init", "--no-passphrase", "--relay", relay.lab.relay.url, "--recovery-key-file",
                                     relay.lab.root.appendingPathComponent("other-words.txt").path])
        try #require(created.status == 0, "\(created.stderr)")
        try add(other, "Elsewhere", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(try other.run(["sync"]).status == 0)

        let copied = relay.file("copied.pickle")
        try relay.edit("""
            mine = bytes.fromhex(sys.argv[3])
            r = one('select * from record where account_id != ? and kind = 1', mine); save(r)
            s = one('select latest_seq from account where id = ?', mine)['latest_seq'] + 1
            c.execute('insert into record values (?, ?, ?, ?, ?, ?, ?, ?)', (mine, r['record_id'], r['kind'], r['version'], r['epoch'], r['deleted'], r['sealed'], s))
            c.execute('update account set latest_seq = ?, record_count = record_count + 1 where id = ?', (s, mine))
            """, copied, account)
        try expectRefused(b, ["sync"], mentioning: "do not match its signed head")

        try relay.edit("""
            r = load(); mine = bytes.fromhex(sys.argv[3])
            c.execute('delete from record where account_id = ? and record_id = ?', (mine, r['record_id']))
            c.execute('update account set record_count = record_count - 1 where id = ?', (mine,))
            """, copied, account)
        try expectConverged([b, a], ["GitHub:alice:"])
        #expect(try other.tokens() == ["Elsewhere:alice:"])
    }

    /// The relay announces a `latest_seq` far beyond its records on the last page of a pull.
    /// Nothing in it is signed, so nothing can be refused; what matters is that the device
    /// does not move its cursor there: it would then skip, for good, every record written
    /// below it, and stay refused by the head's digest even after the relay is repaired.
    /// (It did, before `SyncEngine` took the cursor from the records received.)
    @Test func anInflatedLatestSeqDoesNotMakeADeviceSkipRecords() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        try relay.edit("c.execute('update account set latest_seq = latest_seq + 1000000')")
        #expect(try b.run(["sync"]).status == 0)
        #expect(try b.tokens() == ["GitHub:alice:"])
        let cursor = try HomeImage(b).rows.first { $0.hasPrefix("sync_state:") }?.firstMatch(of: /last_seq=(\d+)/).map { Int($0.output.1) ?? 0 }
        #expect((cursor ?? 0) < 1_000_000, "the cursor followed the relay's latest_seq: \(cursor ?? 0)")

        try relay.edit("c.execute('update account set latest_seq = latest_seq - 1000000')")
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
    }

    /// The relay serves an old head (the account row's head columns put back as they were
    /// before a push): the counter is lower than the one the device has seen.
    @Test func anOldHeadIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        let old = relay.file("old-head.pickle"), new = relay.file("new-head.pickle")
        let saveHead = "save(one('select head_counter, head_device, head_bytes, head_seq from account'))"
        try relay.edit(saveHead, old)
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        try relay.edit(saveHead, new)

        let putHead = "r = load(); c.execute('update account set head_counter = ?, head_device = ?, head_bytes = ?, head_seq = ?', (r['head_counter'], r['head_device'], r['head_bytes'], r['head_seq']))"
        try relay.edit(putHead, old)
        try expectRefused(b, ["sync"], mentioning: "may be rolling back")
        try expectRefused(a, ["sync"], mentioning: "may be rolling back")

        try relay.edit(putHead, new)
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
    }

    /// The operator puts back a backup of the whole store (an older state, consistent
    /// with its head): devices that saw a newer head refuse it by the counter.
    @Test func aRelayRolledBackToABackupIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, _) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        let backup = relay.file("backup.sqlite"), current = relay.file("current.sqlite")
        let saveStore = "d = sqlite3.connect(sys.argv[2]); c.backup(d); d.close()"
        let putStore = "d = sqlite3.connect(sys.argv[2]); d.backup(c); d.close()"
        try relay.edit(saveStore, backup)
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["edit", "GitHub", "--note", "after the backup"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        try relay.edit(saveStore, current)

        try relay.edit(putStore, backup)
        try expectRefused(b, ["sync"], mentioning: "may be rolling back")
        try expectRefused(a, ["sync"], mentioning: "may be rolling back")

        try relay.edit(putStore, current)
        try expectConverged([b, a], ["GitHub:alice:after the backup", "Mail:alice:"])
    }

    // MARK: Order

    /// "Reorders copies or pages — nothing to catch" (sync.md): the operator renumbers the
    /// seqs of the records a device has not pulled yet in reverse, and a proxy cuts every
    /// pull into pages of one record. A device that pulls from its cursor, and a new one
    /// that pulls everything, get the copies in another order and other pages, and end
    /// with exactly the vault of the device that wrote them. (A client always asks
    /// `after = the last seq it got`, so the relay chooses the order of records and the
    /// page boundaries, never which page comes next: renumbering and cutting are all the
    /// reordering there is. Renumbering a record to below a device's cursor withholds it
    /// from that device: that is a dropped record, `aDroppedRecordIsCaught`.)
    @Test func reorderedAndRepagedRecordsGiveTheSameVault() throws {
        let relay = try OperatedRelay()
        let proxy = try ClockSkewProxy(upstreamPort: relay.lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let (a, b, words, account) = try relay.lab.pair(through: proxy.url)
        let cursor = try relay.query("print(one('select latest_seq from account where id = ?', bytes.fromhex(sys.argv[3]))['latest_seq'])",
                                     account).trimmingCharacters(in: .whitespacesAndNewlines)
        for (i, secret) in ["JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXQ", "JBSWY3DPEHPK3PXR", "JBSWY3DPEHPK3PXS", "JBSWY3DPEHPK3PXT"].enumerated() {
            try add(a, "Site\(i)", secret)
        }
        #expect(try a.run(["edit", "Site1", "--note", "edited"]).status == 0)
        #expect(try a.run(["remove", "Site3"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        let expected = try a.tokens()
        #expect(expected.count == 4)

        let order = try relay.edit("""
            acct = bytes.fromhex(sys.argv[3]); cursor = \(cursor)
            rows = c.execute('select record_id, seq from record where account_id = ? and seq > ? order by seq', (acct, cursor)).fetchall()
            c.execute('update record set seq = -seq where account_id = ? and seq > ?', (acct, cursor))
            for (rid, _), (_, seq) in zip(rows, reversed(rows)):
                c.execute('update record set seq = ? where account_id = ? and record_id = ?', (seq, acct, rid))
            print(len(rows))
            """, relay.file("unused"), account)
        #expect(Int(order.trimmingCharacters(in: .whitespacesAndNewlines)) == 5)  // five tokens renumbered
        let pages = Shared<[Int]>()
        pages.value = []
        proxy.rewrite(responses: { line, status, body in
            guard status == 200, line.hasPrefix("GET /v1/records?") else { return nil }
            return rewriteJSON(body) { json in
                let records = json["records"] as? [Any] ?? []
                if records.count > 1 {
                    json["records"] = [records[0]]
                    json["more"] = true
                    json["head"] = NSNull()
                }
                pages.value = (pages.value ?? []) + [min(records.count, 1)]
            }
        })
        let synced = try b.run(["sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try b.tokens() == expected)
        #expect(pages.value == [1, 1, 1, 1, 1], "pages of b's pull: \(pages.value ?? [])")
        pages.value = []
        let c = try restore(relay.lab, "c", words: words, account: account, relayURL: proxy.url)
        #expect(try c.tokens() == expected)
        #expect((pages.value ?? []).filter { $0 == 1 }.count >= 6, "pages of c's pull: \(pages.value ?? [])")  // the roster and five tokens
        proxy.rewrite()
        #expect(try a.run(["edit", "Site0", "--note", "later"]).status == 0)
        try expectConverged([a, b, c], ["Site0:alice:later", "Site1:alice:edited", "Site2:alice:", "Site4:alice:"])
    }

    /// Records within one page out of seq order are refused whole: the client requires
    /// strictly increasing seqs ([API-18]), so the relay cannot choose the order in which
    /// copies of one page are applied either.
    @Test func recordsShuffledWithinAPageAreRefused() throws {
        let relay = try OperatedRelay()
        let proxy = try ClockSkewProxy(upstreamPort: relay.lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let (a, b, _, _) = try relay.lab.pair(through: proxy.url)
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        try add(a, "Mail", "JBSWY3DPEHPK3PXQ")
        #expect(try a.run(["sync"]).status == 0)
        proxy.rewrite(responses: { line, status, body in
            guard status == 200, line.hasPrefix("GET /v1/records?") else { return nil }
            return rewriteJSON(body) { json in
                if let records = json["records"] as? [Any] { json["records"] = Array(records.reversed()) }
            }
        })
        try expectRefused(b, ["sync"], mentioning: "not in increasing seq order")
        proxy.rewrite()
        try expectConverged([b, a], ["GitHub:alice:", "Mail:alice:"])
    }

    // MARK: Keys

    /// The relay swaps a device's X25519 key inside the roster. It cannot read the roster,
    /// but XChaCha20 is a stream cipher: it can XOR the ciphertext where the first
    /// device's key sits (every field before it has a fixed size) with old ⊕ new, and
    /// re-serve the record with a new seq. Poly1305 catches it.
    @Test func aKeySwappedInTheRosterIsRefused() throws {
        let relay = try OperatedRelay()
        let (a, b, _, account) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)

        let saved = relay.file("roster.pickle")
        try relay.edit("""
            acct = bytes.fromhex(sys.argv[3])
            r = one('select * from record where account_id = ? and kind = 3', acct); save(r)
            first = one('select box_key from device where account_id = ? order by id limit 1', acct)['box_key']
            mine = os.urandom(32)
            # 0x01 || nonce (24), then the roster: 0x01, recovery keys (64), flags (1, no
            # passphrase), count (2), device_1's id (16) and Ed25519 key (32), its X25519 key.
            at = 1 + 24 + 1 + 64 + 1 + 2 + 16 + 32
            s = bytearray(r['sealed'])
            for i in range(32): s[at + i] ^= first[i] ^ mine[i]
            seq = one('select latest_seq from account where id = ?', acct)['latest_seq'] + 1
            c.execute('update record set sealed = ?, seq = ? where account_id = ? and record_id = ?', (bytes(s), seq, acct, r['record_id']))
            c.execute('update account set latest_seq = ? where id = ?', (seq, acct))
            """, saved, account)
        try expectRefused(b, ["sync"], mentioning: "failed authentication")
        try expectRefused(a, ["sync"], mentioning: "failed authentication")

        try relay.edit("r = load(); c.execute('update record set sealed = ? where account_id = ? and record_id = ?', (r['sealed'], r['account_id'], r['record_id']))", saved)
        try expectConverged([b, a], ["GitHub:alice:"])
    }

    /// [DEV-2]: the relay swaps a device's X25519 key in its own device table (the key it
    /// hands out as that device's). Another device then rotates (revoking a third): it
    /// seals the new grant to the roster's key, so the device whose key was swapped still
    /// opens its grant — were it sealed to the relay's key, that device could not, and the
    /// relay could.
    @Test func aKeySwappedInTheRelaysDeviceTableGetsNoGrant() throws {
        let relay = try OperatedRelay()
        let (a, b, words, account) = try relay.lab.pair()
        let c = try restore(relay.lab, "c", words: words, account: account)
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let bID = try deviceID(b)
        let intruder = try relay.edit("""
            k = os.urandom(32)
            n = c.execute('update device set box_key = ? where id = ?', (k, bytes.fromhex(sys.argv[3]))).rowcount
            assert n == 1
            print(k.hex())
            """, relay.file("unused"), bID).trimmingCharacters(in: .whitespacesAndNewlines)

        let revoked = try a.run(["devices", "revoke", try deviceID(c)])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        // The relay still hands out its key for b, and the grant it holds for b is of the new epoch.
        #expect(try relay.query("print(one('select box_key from device where id = ?', bytes.fromhex(sys.argv[3]))['box_key'].hex())",
                                bID).trimmingCharacters(in: .whitespacesAndNewlines) == intruder)
        #expect(try relay.query("print(one('select epoch from account_grant where recipient = ?', sys.argv[3])['epoch'])",
                                bID).trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let followed = try b.run(["sync"])
        #expect(followed.status == 0, "b could not open the grant a sealed for it: \(followed.stderr)")
        try expectConverged([b, a], ["GitHub:alice:"])
    }

    /// A relay cannot make a restoring device adopt a vault of its own ([DEV-11], [THR-1]).
    /// Everything else a restoring device checks can be made from public data: the operator
    /// makes a vault key, seals a grant of it (naming the account and epoch) to the account's
    /// recovery X25519 key, seals a roster under it listing the account's recovery public
    /// keys and a device of its own, and signs a head with that device. What it cannot make
    /// is the recovery check value, derived from the recovery key and kept only inside the
    /// real roster (crypto.md, "Roster"): without it, or with a made-up one, the restore is
    /// refused and nothing is written. (Found by this suite; before the check values existed
    /// the restore succeeded and the relay read the next token the device added.)
    @Test func aRelayCannotHandARestoringDeviceAVaultOfItsOwn() throws {
        let relay = try OperatedRelay()
        let (a, _, words, account) = try relay.lab.pair()
        try add(a, "GitHub", "JBSWY3DPEHPK3PXP")
        #expect(try a.run(["sync"]).status == 0)

        // What the operator has: the account's recovery public keys, epoch and head counter.
        let facts = try relay.query("""
            r = one('select recovery_sign_key, recovery_box_key, epoch, head_counter from account where id = ?', bytes.fromhex(sys.argv[3]))
            print(r['recovery_sign_key'].hex(), r['recovery_box_key'].hex(), r['epoch'], r['head_counter'])
            """, account).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try #require(facts.count == 4)
        let accountID = try AccountID(hex: account)
        let recoveryBox = hexBytes(facts[1])
        let epoch = try #require(UInt32(facts[2])), counter = try #require(UInt64(facts[3]))
        let vaultKey = SecureBytes.random(count: 32)
        let mine = DeviceID.random(), signing = Ed25519KeyPair.generate(), box = X25519KeyPair.generate()
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        for madeUpCheck in [nil, SecureRandom.bytes(32)] {
            let roster = try Roster(recovery: AccountPublicKeys(signingKey: hexBytes(facts[0]), boxKey: recoveryBox), passphrase: nil,
                                    devices: [.init(id: mine, signingKey: signing.publicKey, boxKey: box.publicKey, addedMilliseconds: now, name: "phone")],
                                    recoveryCheck: madeUpCheck)
            let sealedRoster = try roster.seal(account: accountID, version: RecordVersion(hlc: now << 16, device: mine), epoch: epoch, key: vaultKey)
            let head = Head(account: accountID, counter: counter + 1, epoch: epoch, records: [sealedRoster.header], signer: mine).signed(with: signing)
            let grant = try Grant.seal(vaultKey: vaultKey, account: accountID, epoch: epoch, to: recoveryBox)
            let forged = [sealedRoster.header.id.hex, sealedRoster.header.version.description, Hex.encode(sealedRoster.sealed),
                          Hex.encode(head.bytes), Hex.encode(grant), String(counter + 1), mine.hex, account].joined(separator: " ")
            try relay.edit("""
                rid, version, sealed, head, grant, counter, mine, acct = sys.argv[3].split(' ')
                acct = bytes.fromhex(acct); epoch = one('select epoch from account where id = ?', acct)['epoch']
                seq = one('select latest_seq from account where id = ?', acct)['latest_seq'] + 1
                c.execute('delete from record where account_id = ?', (acct,))
                c.execute('insert into record values (?, ?, 3, ?, ?, 0, ?, ?)', (acct, bytes.fromhex(rid), version, epoch, bytes.fromhex(sealed), seq))
                c.execute('update account set latest_seq = ?, record_count = 1, head_counter = ?, head_device = ?, head_bytes = ?, head_seq = ? where id = ?',
                          (seq, int(counter), bytes.fromhex(mine), bytes.fromhex(head), seq, acct))
                c.execute("update account_grant set sealed = ? where account_id = ? and recipient = 'recovery'", (bytes.fromhex(grant), acct))
                """, relay.file("unused"), forged)

            let d = relay.lab.device("d-\(madeUpCheck == nil ? "none" : "made-up")")
            let restored = try d.run(["restore", "--relay", relay.lab.relay.url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                     input: words)
            #expect(restored.status == 1, "the restore accepted the relay's vault: \(restored.stdout)")
            #expect(restored.stderr.contains("vault of its own"), "\(restored.stderr)")
            #expect(restored.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: d.home.appendingPathComponent("vault.sqlite").path))
        }
    }

    // MARK: What the relay sees

    /// [THR-1]: everything the relay stores (its whole data directory) and every byte it
    /// is sent or sends (through a recording proxy), after tokens were added, edited,
    /// synced to a second device and snapshotted, holds none of the tokens' secrets,
    /// issuers, account names or notes — in the clear, Base32 or Base64.
    @Test func theRelayStoresAndSeesNothingReadable() throws {
        let relay = try OperatedRelay()
        let proxy = try ClockSkewProxy(upstreamPort: relay.lab.relay.port, skewMs: 0)
        defer { proxy.stop() }
        let traffic = Shared<[UInt8]>()
        traffic.value = []
        let record: ClockSkewProxy.Rewrite = { _, _, body in traffic.value = (traffic.value ?? []) + body; return nil }
        proxy.rewrite(requests: record, responses: record)
        let (a, b, _, account) = try relay.lab.pair(through: proxy.url)
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  // "12345678901234567890"
        #expect(try a.run(["add", "--issuer", "Zanzibar Savings", "--account", "marguerite@example.org",
                           "--secret", secret, "--note", "vault PIN 4711"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try b.run(["edit", "Zanzibar", "--note", "moved to branch Quokka"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        #expect(try a.run(["sync"]).status == 0)
        #expect(try a.run(["snapshots", "take"]).status == 0)
        #expect(try a.tokens() == ["Zanzibar Savings:marguerite@example.org:moved to branch Quokka"])

        relay.lab.relay.stop()  // its files complete
        var stored: [UInt8] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: relay.lab.relay.data.path) {
            stored += [UInt8](FileManager.default.contents(atPath: relay.lab.relay.data.appendingPathComponent(name).path) ?? Data())
        }
        let seen = traffic.value ?? []
        #expect(stored.count > 10_000 && seen.count > 10_000)
        #expect(contains(seen, Array(account.utf8)), "the recording holds no traffic")  // the recording works
        let raw = Array("12345678901234567890".utf8)
        let needles: [(String, [UInt8])] = [
            ("issuer", Array("Zanzibar".utf8)), ("account", Array("marguerite".utf8)), ("note", Array("vault PIN 4711".utf8)),
            ("edited note", Array("Quokka".utf8)), ("secret", raw), ("secret in Base32", Array(secret.utf8)),
            ("secret in Base64", Array(Data(raw).base64EncodedString().prefix(24).utf8)),
            ("secret in Base64URL", Array(Base64URL.encode(raw).prefix(24).utf8)),
        ]
        // Needles are long enough (at least six letters, or a whole phrase) that random
        // ciphertext, hex identifiers and decimal timestamps cannot hold one by chance. The
        // note's needle was once "4711" alone, which hex ids and timestamps can hold (about 1 in
        // 65,536 per hex position); a CI run failed here without naming the needle, so the
        // results are now plain booleans and the message names it.
        for (what, needle) in needles {
            let inStore = contains(stored, needle), inTraffic = contains(seen, needle)
            #expect(!inStore, "the relay's store holds the \(what)")
            #expect(!inTraffic, "the relay was sent the \(what)")
        }
    }
}

// MARK: - The operator

/// A relay whose operator edits its SQLite store: the relay process is stopped, the store
/// edited with python3's sqlite3 (as the other end-to-end tests do), and a relay started
/// again on the same data and port — so nothing cached in the running process (pull pages,
/// the device directory) hides the edit for a few seconds.
final class OperatedRelay {
    let lab: Lab
    private var restarted: RelayProcess?
    var database: String { lab.relay.data.appendingPathComponent("relay.sqlite").path }

    init() throws { lab = try Lab() }

    deinit { restarted?.stop() }

    /// A file for saved rows, in the lab's folder.
    func file(_ name: String) -> String { lab.root.appendingPathComponent(name).path }

    /// Runs `code` with the relay stopped, then starts it again; returns what it printed.
    /// In `code`: `c` (the connection, committed at the end), `sys.argv[2]` (`file`),
    /// `sys.argv[3]` (`argument`), `one(sql, *args)` (a row as a dict, or an assertion
    /// failure), `save(row)` and `load()` (pickle to and from `file`), `os`.
    @discardableResult
    func edit(_ code: String, _ file: String = "/dev/null", _ argument: String = "") throws -> String {
        (restarted ?? lab.relay).stop()
        let output = Result(catching: { try python(code, file, argument) })
        restarted = try RelayProcess(data: lab.relay.data, port: lab.relay.port)
        return try output.get()
    }

    /// Runs `code` against the store while the relay runs (reads only).
    func query(_ code: String, _ argument: String = "") throws -> String {
        try python(code, "/dev/null", argument)
    }

    private func python(_ code: String, _ file: String, _ argument: String) throws -> String {
        let script = """
            import os, pickle, sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.row_factory = sqlite3.Row
            def one(sql, *args):
                r = c.execute(sql, args).fetchone()
                assert r is not None, sql
                return dict(r)
            def save(r):
                with open(sys.argv[2], 'wb') as f: pickle.dump(r, f)
            def load():
                with open(sys.argv[2], 'rb') as f: return pickle.load(f)

            """ + code + "\nc.commit()\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, database, file, argument]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OperatorFailure(message: String(decoding: errors, as: UTF8.self)) }
        return String(decoding: data, as: UTF8.self)
    }

    struct OperatorFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { "the store edit failed: \(message)" }
    }
}

// MARK: - A device's home, before and after

/// Everything in a device's home, to show that a refused command changed nothing.
///
/// Every file is compared byte for byte, except two that a failed sync writes by design:
/// `clock.json` (the relay clock reading, a cache that is "not state", sync.md, "Clock
/// offset") and the vault's SQLite store (`vault.sqlite` with its WAL files), whose
/// `sync_state` row records the outcome for `twofold status` (`last_error`, the clock
/// offset, the cached access token). The store is compared row by row as SQLite reads it
/// (WAL included), every table and every column (and its schema), with only those four
/// columns left out; ``lastError`` is kept apart for the caller to check.
struct HomeImage: Equatable {
    var files: [String: Data]
    var rows: [String]
    var lastError: String?

    static let outcomeColumns = ["last_error", "clock_offset_ms", "access_token", "access_token_expires_ms"]

    init(_ device: Device) throws {
        files = [:]
        let home = device.home
        let names = FileManager.default.enumerator(atPath: home.path)?.allObjects as? [String] ?? []
        for name in names where name != "clock.json" && !name.hasPrefix("vault.sqlite") {
            var isDirectory: ObjCBool = false
            let path = home.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = FileManager.default.contents(atPath: path)
            }
        }
        let script = """
            import json, sqlite3, sys
            c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            skip = set(sys.argv[2].split(','))
            rows = ['schema %s %s %s' % r for r in c.execute('select type, name, sql from sqlite_master order by type, name')]
            for (t,) in c.execute("select name from sqlite_master where type = 'table' order by name").fetchall():
                cur = c.execute('select * from "%s"' % t)
                cols = [d[0] for d in cur.description]
                rows += sorted(t + ': ' + ', '.join('%s=%s' % (k, '-' if t == 'sync_state' and k in skip else (v.hex() if isinstance(v, bytes) else repr(v)))
                                                  for k, v in zip(cols, r)) for r in cur.fetchall())
            e = c.execute('select last_error from sync_state').fetchone()
            print(json.dumps({'rows': rows, 'last_error': e[0] if e else None}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, home.appendingPathComponent("vault.sqlite").path,
                             Self.outcomeColumns.joined(separator: ",")]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw TamperFailure() }
        rows = json["rows"] as? [String] ?? []
        lastError = json["last_error"] as? String
    }

    static func == (lhs: HomeImage, rhs: HomeImage) -> Bool { lhs.files == rhs.files && lhs.rows == rhs.rows }

    /// What differs, for a failure message.
    func difference(from other: HomeImage) -> String {
        var out: [String] = []
        for name in Set(files.keys).union(other.files.keys).sorted() where files[name] != other.files[name] {
            out.append("file \(name)")
        }
        out += rows.difference(from: other.rows).map {
            switch $0 {
            case .insert(_, let row, _): return "+ \(row)"
            case .remove(_, let row, _): return "- \(row)"
            }
        }
        return out.joined(separator: "\n")
    }
}

// MARK: - Helpers

extension HostileRelayTests {
    /// Runs `args` on `device` and expects it refused: exit 1, one line on stderr naming
    /// `message`, and the home as it was (for a sync, with the error recorded for status).
    @discardableResult
    func expectRefused(_ device: Device, _ args: [String], mentioning message: String, recordsError: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Device.Result {
        let before = try HomeImage(device)
        let result = try device.run(args)
        expectOneLine(result, mentioning: message, sourceLocation: sourceLocation)
        let after = try HomeImage(device)
        let unchanged = after == before
        #expect(unchanged, "\(args.joined(separator: " ")) changed the home:\n\(after.difference(from: before))",
                sourceLocation: sourceLocation)
        if recordsError {
            #expect(after.lastError?.contains(message) == true, "last_error: \(after.lastError ?? "none")", sourceLocation: sourceLocation)
        } else {
            #expect(after.lastError == before.lastError, sourceLocation: sourceLocation)
        }
        return result
    }

    /// Exit 1 and one line on stderr, `twofold: …`, naming `message`.
    func expectOneLine(_ result: Device.Result, mentioning message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1 && result.stderr.hasPrefix("twofold: ") && result.stderr.contains(message),
                "expected one line naming '\(message)', got: \(result.stderr)", sourceLocation: sourceLocation)
    }

    /// Every device syncs twice round; then each holds `tokens`, the same codes, and no error.
    func expectConverged(_ devices: [Device], _ tokens: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for device in devices + devices {
            let synced = try device.run(["sync"])
            #expect(synced.status == 0, "\(device.home.lastPathComponent): \(synced.stderr)", sourceLocation: sourceLocation)
        }
        let codes = try LinkingTests.codes(devices[0])
        for device in devices {
            #expect(try device.tokens() == tokens, "\(device.home.lastPathComponent)", sourceLocation: sourceLocation)
            #expect(try LinkingTests.codes(device) == codes, sourceLocation: sourceLocation)
            #expect(try device.json(["status", "--json"])["last_error"] is NSNull, sourceLocation: sourceLocation)
        }
    }

    func add(_ device: Device, _ issuer: String, _ secret: String) throws {
        let added = try device.run(["add", "--issuer", issuer, "--account", "alice", "--secret", secret])
        #expect(added.status == 0, "\(added.stderr)")
    }

    func hexBytes(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }

    func deviceID(_ device: Device) throws -> String {
        try #require(try device.json(["status", "--json"])["device_id"] as? String)
    }

    /// Another device restored with the recovery words.
    func restore(_ lab: Lab, _ name: String, words: String, account: String, relayURL: String? = nil) throws -> Device {
        let device = lab.device(name)
        let restored = try device.run(["restore", "--relay", relayURL ?? lab.relay.url, "--account", account,
                                       "--recovery-key-stdin", "--no-passphrase"], input: words)
        try #require(restored.status == 0, "\(restored.stderr)")
        return device
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && Array(haystack[i..<i + needle.count]) == needle { return true }
            i += 1
        }
        return false
    }
}

extension Lab {
    /// ``pair()`` with both devices talking to `url` (a proxy in front of the relay).
    func pair(through url: String) throws -> (a: Device, b: Device, words: String, account: String) {
        let a = device("a"), b = device("b")
        let wordsFile = root.appendingPathComponent("words.txt").path
        let created = try a.run(["init", "--no-passphrase", "--relay", url, "--recovery-key-file", wordsFile])
        precondition(created.status == 0, created.stderr)
        let words = try String(contentsOfFile: wordsFile, encoding: .utf8)
        let account = try a.json(["status", "--json"])["account_id"] as? String ?? ""
        let restored = try b.run(["restore", "--relay", url, "--account", account, "--recovery-key-stdin", "--no-passphrase"],
                                 input: words)
        precondition(restored.status == 0, restored.stderr)
        return (a, b, words, account)
    }
}
