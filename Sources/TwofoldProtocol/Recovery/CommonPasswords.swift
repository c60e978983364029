/// The most common passwords and first names, by rank, for ``PassphraseStrength``: what
/// a guesser tries first (the heads of public breach-corpus and census frequency lists).
/// Short on purpose: anything not here still pays brute force for its letters.
enum CommonPasswords {
    static let passwords: [String] = """
        password 123456 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball \
        abc123 football monkey letmein shadow master 666666 qwertyuiop 123321 mustang 1234567890 \
        michael 654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan \
        jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou \
        2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george computer \
        michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 \
        aaaaaa ginger princess joshua cheese amanda summer love ashley nicole chelsea biteme matthew \
        access yankees 987654321 dallas austin thunder taylor matrix minecraft admin welcome login \
        passw0rd secret solo whatever qwerty123 password1 hello monkey1 letmein1 flower hottie \
        lovely angel dragon1 baby loveme starwars1 changeme default root toor test guest qwer asdf \
        zaq12wsx correct horse battery staple opensesame trustme mypassword passphrase private \
        welcome1 iloveyou1 sunshine1 football1 princess1 secret1 abcdef abcd1234 q1w2e3r4 1q2w3e4r \
        1q2w3e qweasd asdasd zxczxc 123abc letmein123 p@ssword p@ssw0rd
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init)

    static let names: [String] = """
        james mary john patricia robert jennifer michael linda william elizabeth david barbara richard \
        susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty \
        anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua \
        michelle kenneth dorothy kevin carol brian amanda george melissa edward deborah ronald \
        stephanie timothy rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy \
        nicholas shirley eric angela jonathan helen stephen anna larry brenda justin pamela scott \
        nicole brandon emma benjamin samantha samuel katherine gregory christine frank debra \
        alexander rachel raymond catherine patrick carolyn jack janet dennis ruth jerry maria tyler \
        heather aaron diane jose virginia adam julie henry joyce nathan victoria douglas olivia \
        zachary kelly peter christina kyle lauren ethan joan walter evelyn noah judith jeremy megan \
        christian cheryl keith andrea roger hannah terry martha gerald jacqueline harold frances \
        sean gloria austin ann carl teresa arthur kathryn lawrence sara dylan janice jesse jean \
        jordan alice bryan madison billy doris joe abigail bruce julia gabriel judy logan grace \
        albert denise willie amber alan marilyn juan beverly wayne danielle elijah theresa randy \
        sophia roy marie vincent diana ralph brittany eugene natalie russell isabella bobby \
        charlotte mason rose philip alexis louis kayla alice alex sam max anna leon lucas mia \
        felix hans peter klaus anna marie sophie lena laura julia lukas jonas paul luca
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init)

    /// Word → rank (0 is the most common).
    static let rank: [String: Int] = index(passwords)
    static let nameRank: [String: Int] = index(names)

    private static func index(_ list: [String]) -> [String: Int] {
        var ranks: [String: Int] = [:]
        for (position, word) in list.enumerated() where ranks[word] == nil { ranks[word] = position }
        return ranks
    }
}
