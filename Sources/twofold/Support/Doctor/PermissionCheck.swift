import Foundation
import TwofoldVault

/// `doctor`'s check of the home's permissions (README, "Home"): the directory 0700, every
/// file in it (store, WAL, key file, clock, settings) readable by this user only, and all
/// of it owned by this user. One finding per problem; one `ok` line when there is none.
enum PermissionCheck {
    static func run(home: VaultHome) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let uid = getuid()
        var st = stat()
        guard lstat(home.path, &st) == 0 else {
            return [.fail("permissions", "\(home.path) cannot be read: \(String(cString: strerror(errno)))", fix: nil)]
        }
        if st.st_uid != uid {
            findings.append(.fail("permissions", "\(home.path) belongs to uid \(st.st_uid), not to you",
                                  fix: "use a home of your own (--home DIR), or 'sudo chown -R \(uid) \(quoted(home.path))'"))
        }
        if st.st_mode & 0o077 != 0 {
            findings.append(.fail("permissions", "\(home.path) is mode \(octal(st.st_mode)): other users can look inside",
                                  fix: "chmod 700 \(quoted(home.path))"))
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: home.path)) ?? []).sorted()
        var checked = 0
        for name in names {
            let path = home.path + "/" + name
            guard lstat(path, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFDIR else { continue }  // the socket is checked by the daemon
            checked += 1
            if st.st_uid != uid {
                findings.append(.fail("permissions", "\(path) belongs to uid \(st.st_uid), not to you",
                                      fix: "'sudo chown \(uid) \(quoted(path))'"))
            }
            if st.st_mode & 0o077 != 0 {
                let wanted = type == S_IFDIR ? "700" : "600"
                findings.append(.fail("permissions", "\(path) is mode \(octal(st.st_mode)): other users can read it",
                                      fix: "chmod \(wanted) \(quoted(path))"))
            }
        }
        if findings.isEmpty {
            findings.append(.ok("permissions", "\(home.path) is 0700 and its \(checked) files are yours alone"))
        }
        return findings
    }

    static func octal(_ mode: mode_t) -> String { "0" + String(mode & 0o7777, radix: 8) }

    static func quoted(_ path: String) -> String {
        path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? path : "'\(path.replacingOccurrences(of: "'", with: "'\\''"))'"
    }
}
