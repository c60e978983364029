#!/usr/bin/env python3
"""Writes the seed corpora of twofold-fuzz-protocol and twofold-fuzz-relay (Tests/Fuzz/*-corpus)
from Protocol/vectors and hand-written request bodies. Run from the repository root; the output
is committed, so this only needs running again when the vectors or request schemas change."""
import base64, json, os, pathlib, shutil

V = pathlib.Path("Protocol/vectors")
OUT = pathlib.Path("Tests/Fuzz")


def vector(path):
    text = path.read_text()
    head, _, data = text.partition("\n\n")
    headers = []
    for line in head.splitlines():
        k, _, v = line.partition(":")
        headers.append((k, v.strip()))
    return dict(headers), headers, data


def hexdata(data):
    return bytes.fromhex("".join(data.split()))


def write(target, name, content):
    d = OUT / f"{target}-corpus"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())


for t in ["otpauth", "base32", "record", "grant", "head", "snapshot", "backup", "roster", "payload", "link",
          "relay-json", "relay-records", "relay-rotation", "relay-account"]:
    shutil.rmtree(OUT / f"{t}-corpus", ignore_errors=True)

# otpauth and Base32: the published Key URI vectors.
for p in sorted((V / "otpauth").iterdir()):
    h, _, data = vector(p)
    write("otpauth", p.name, data.rstrip("\n"))
    if "secret-base32" in h:
        write("base32", p.name, h["secret-base32"])
for name, text in [("lower-spaces", "jbsw y3dp ehpk 3pxp"), ("padded", "MZXW6YQ="), ("empty", "")]:
    write("base32", name, text)

# Records: raw sealed bytes, and kind byte + payload for the after-decryption path.
kinds = {"1": 0, "2": 1, "3": 2}
for p in sorted((V / "records").iterdir()):
    h, _, data = vector(p)
    if data.strip():
        write("record", p.name + "-sealed", hexdata(data))
    if "payload" in h:
        flag = kinds.get(h.get("kind", "1"), 0) | (4 if h.get("deleted") == "1" else 0)
        write("record", p.name, bytes([flag]) + bytes.fromhex(h["payload"]))
        write("payload", p.name, bytes.fromhex(h["payload"]))

# Grants: the vectors, and a plaintext for the fuzz target's fixed account and epoch 1.
for p in sorted((V / "grants").iterdir()):
    _, _, data = vector(p)
    if data.strip():
        write("grant", p.name, hexdata(data))
write("grant", "plaintext", bytes([1]) + bytes([0xA1] * 16) + (1).to_bytes(4, "big") + bytes([0x42] * 32))

for d, t in [("heads", "head"), ("roster", "roster"), ("snapshots", "snapshot"), ("backups", "backup")]:
    for p in sorted((V / d).iterdir()):
        _, _, data = vector(p)
        if data.strip():
            write(t, p.name, hexdata(data))
for p in sorted((V / "roster").iterdir()):
    _, _, data = vector(p)
    if data.strip():
        write("payload", "roster-" + p.name, hexdata(data))

# Snapshot images (the decoder behind the AEAD): records of the vectors, fixed sealed bytes.
for p in sorted((V / "snapshots").iterdir()):
    _, headers, _ = vector(p)
    recs = [v.split() for k, v in headers if k == "record"]
    if not recs:
        continue
    img = bytes([1]) + len(recs).to_bytes(4, "big")
    for rid, kind, hlc, dev, epoch, deleted in sorted(recs):
        sealed = bytes([1]) + bytes(range(40))
        img += (bytes.fromhex(rid) + bytes([int(kind)]) + bytes.fromhex(hlc) + bytes.fromhex(dev)
                + int(epoch).to_bytes(4, "big") + bytes([int(deleted)]) + len(sealed).to_bytes(4, "big") + sealed)
    write("snapshot", p.name + "-image", img)
write("snapshot", "image-empty", bytes([1, 0, 0, 0, 0]))

for p in sorted((V / "link").iterdir()):
    h, _, _ = vector(p)
    for key in ("code-text", "qr-payload"):
        if key in h:
            write("link", f"{p.name}-{key}", h[key])

# Relay request bodies (Protocol/openapi.yaml).
def b64(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


dev, rec, acct = "2bffe48b25e0a028b9cce1d528bbe861", "4cb9d9c966b42312425984f8c5015f21", "5ee14b02975d5bca0694ce960ef50922"
version = "019b76daa8000004." + dev
sealed = b64(bytes([1]) + bytes(range(200)))
head = {"counter": 2, "head": b64(bytes([1]) + bytes(144)), "expected_counter": 1}
keys = {"sign_key": b64(bytes(range(32))), "box_key": b64(bytes(range(32, 64)))}
grants = [{"recipient": dev, "sealed": b64(bytes(101))}, {"recipient": "recovery", "sealed": b64(bytes(101))},
          {"recipient": "passphrase", "sealed": b64(bytes(101))}]
passphrase = dict(keys, salt=b64(bytes(16)), ops_limit=3, mem_limit=268435456)
push = {"writes": [{"record_id": rec, "kind": 1, "version": version, "epoch": 1, "deleted": False, "sealed": sealed,
                    "expected_version": None},
                   {"record_id": "671579f22f9afe3a8f15145a9545540d", "kind": 1, "version": version, "epoch": 1,
                    "deleted": True, "sealed": sealed, "expected_version": version}],
        "head": head}
rotation = {"from_epoch": 1, "to_epoch": 2, "revoke": ["79ede9a532b9bb43bd6a0f00396c6c62"],
            "records": [{"record_id": rec, "version": version, "sealed": sealed}], "grants": grants,
            "recovery": keys, "passphrase": passphrase, "head": dict(head, expected_counter=None)}
account = {"account_id": acct, "invite": "tfi_" + "a" * 43, "device": dict(keys, device_id=dev), "recovery": keys,
           "passphrase": passphrase, "grants": grants, "challenge": "v1." + b64(bytes(60)), "signature": b64(bytes(64))}
account_min = {k: v for k, v in account.items() if k not in ("invite", "passphrase")}
account_min["grants"] = grants[:2]
bodies = {"relay-records": {"push": push, "push-empty": {"writes": [], "head": head}},
          "relay-rotation": {"rotation": rotation, "rotation-remove-passphrase": dict(rotation, passphrase=None)},
          "relay-account": {"account": account, "account-minimal": account_min, "grants": {"grants": grants[:1]}}}
for target, items in bodies.items():
    for name, body in items.items():
        write(target, name, json.dumps(body))
        write("relay-json", f"{target}-{name}", json.dumps(body, indent=1))
for name, text in [("scalars", '[null,true,false,0,-1,9007199254740991,1.5e-3,"\\u00e9\\ud83d\\ude00\\n"]'),
                   ("nested", '{"a":{"b":[[[{}]]]}}')]:
    write("relay-json", name, text)

# Regressions: inputs the targets found (README, "Fuzzing"), kept as seeds.
token = bytes.fromhex(vector(V / "records" / "token-totp")[0]["payload"])
write("payload", "regression-empty-issuer", token.replace(bytes.fromhex("030006") + b"GitHub", bytes.fromhex("030000")))
write("relay-json", "regression-number-out-of-range", '[null,true,false,0,-1,9007199254074991,11e308,"\\u00eClose3e-3,e00\\n"]')
