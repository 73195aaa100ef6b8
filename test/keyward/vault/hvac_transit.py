"""Transit through a real Vault client (Debian's python3-hvac) against a Keyward server, and the
interop with Keyward's own API. Usage: hvac_transit.py URL ALICE_TOKEN BOB_TOKEN ADMIN_TOKEN. One line per
check; exits non-zero on the first failure. Run with /usr/bin/python3.
"""
import base64
import hashlib
import hmac as hmac_lib
import sys

import hvac
import requests
from hvac import exceptions

url, alice_token, bob_token, admin_token = sys.argv[1:5]
alice = hvac.Client(url=url, token=alice_token)
bob = hvac.Client(url=url, token=bob_token)
tr = alice.secrets.transit


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def check(name, cond):
    if not cond:
        print("FAIL " + name)
        sys.exit(1)
    print("ok " + name)


def raises(name, exc, fn):
    try:
        fn()
    except exc as e:
        print("ok " + name + " (" + type(e).__name__ + ": " + str(e).splitlines()[0][:120] + ")")
        return
    except Exception as e:  # noqa: BLE001 - any other error fails this check
        print("FAIL " + name + ": raised " + type(e).__name__ + ": " + str(e))
        sys.exit(1)
    print("FAIL " + name + ": nothing raised")
    sys.exit(1)


def own(method, path, body=None):
    """Keyward's own API, with the same token as a bearer."""
    r = requests.request(method, url + path, json=body, headers={"Authorization": "Bearer " + alice_token}, timeout=30)
    return r.status_code, (r.json() if r.content else None)


# keys: create every type, read, list
for t in ["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "ed25519", "ecdsa-p256", "ecdsa-p384",
          "ecdsa-p521", "rsa-2048", "hmac"]:
    if t in ("aes128-gcm96", "hmac"):  # types newer than hvac 0.11's client-side list
        alice.adapter.post("/v1/transit/keys/k-" + t, json={"type": t})
    else:
        tr.create_key(name="k-" + t, key_type=t)
    k = tr.read_key(name="k-" + t)["data"]
    check("create and read " + t, k["type"] == t and k["latest_version"] == 1 and "1" in k["keys"])
rsa = tr.read_key(name="k-rsa-2048")["data"]
check("asymmetric keys show their public key", rsa["keys"]["1"]["public_key"].startswith("-----BEGIN PUBLIC KEY-----"))
check("supports_* flags", rsa["supports_signing"] and rsa["supports_encryption"]
      and not tr.read_key(name="k-ed25519")["data"]["supports_encryption"])
check("list keys", "k-aes256-gcm96" in tr.list_keys()["data"]["keys"])
raises("an unknown type is refused", exceptions.InvalidRequest, lambda: alice.adapter.post("/v1/transit/keys/bad", json={"type": "des"}))

# derived keys (a key per context) and convergent encryption
tr.create_key(name="derived", derived=True)
check("a derived key reads as derived", tr.read_key(name="derived")["data"]["derived"] is True)
raises("a derived key needs a context", exceptions.InvalidRequest, lambda: tr.encrypt_data(name="derived", plaintext=b64("x")))
dct = tr.encrypt_data(name="derived", plaintext=b64("tenant data"), context=b64("tenant-1"))["data"]["ciphertext"]
check("decrypt with the same context", tr.decrypt_data(name="derived", ciphertext=dct, context=b64("tenant-1"))["data"]["plaintext"] == b64("tenant data"))
raises("another context does not decrypt", exceptions.InvalidRequest,
       lambda: tr.decrypt_data(name="derived", ciphertext=dct, context=b64("tenant-2")))
check("two encryptions of a derived key differ", dct != tr.encrypt_data(name="derived", plaintext=b64("tenant data"), context=b64("tenant-1"))["data"]["ciphertext"])
tr.create_key(name="conv", derived=True, convergent_encryption=True)
c1 = tr.encrypt_data(name="conv", plaintext=b64("same"), context=b64("ctx"))["data"]["ciphertext"]
c2 = tr.encrypt_data(name="conv", plaintext=b64("same"), context=b64("ctx"))["data"]["ciphertext"]
c3 = tr.encrypt_data(name="conv", plaintext=b64("same"), context=b64("other"))["data"]["ciphertext"]
check("convergent: equal plaintext and context give equal ciphertexts", c1 == c2 and c1 != c3)
check("convergent ciphertexts decrypt", tr.decrypt_data(name="conv", ciphertext=c1, context=b64("ctx"))["data"]["plaintext"] == b64("same"))
check("a rotated derived key rewraps", tr.rotate_key(name="conv")["data"]["latest_version"] == 2
      and tr.rewrap_data(name="conv", ciphertext=c1, context=b64("ctx"))["data"]["ciphertext"].startswith("vault:v2:"))
raises("convergent without derived is refused", exceptions.InvalidRequest,
       lambda: alice.adapter.post("/v1/transit/keys/bad-conv", json={"convergent_encryption": True}))
raises("a derived signing key is refused clearly", exceptions.InvalidRequest,
       lambda: tr.create_key(name="derived-ed", key_type="ed25519", derived=True))
raises("a context for a non-derived key is refused", exceptions.InvalidRequest,
       lambda: tr.encrypt_data(name="k-aes256-gcm96", plaintext=b64("x"), context=b64("c")))
raises("a missing key is 404", exceptions.InvalidPath, lambda: tr.read_key(name="no-such-key"))

# encrypt, decrypt, associated data, every symmetric type and RSA
for t in ["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "rsa-2048"]:
    ct = tr.encrypt_data(name="k-" + t, plaintext=b64("hello " + t))["data"]["ciphertext"]
    check("encrypt " + t + " gives vault:v1:", ct.startswith("vault:v1:"))
    check("decrypt " + t, tr.decrypt_data(name="k-" + t, ciphertext=ct)["data"]["plaintext"] == b64("hello " + t))
k = "k-aes256-gcm96"
ad = alice.adapter.post("/v1/transit/encrypt/" + k, json={"plaintext": b64("pii"), "associated_data": b64("row-7")})
ct_ad = ad["data"]["ciphertext"]
check("decrypt with the same associated_data", alice.adapter.post("/v1/transit/decrypt/" + k, json={
    "ciphertext": ct_ad, "associated_data": b64("row-7")})["data"]["plaintext"] == b64("pii"))
raises("decrypt with other associated_data fails", exceptions.InvalidRequest,
       lambda: alice.adapter.post("/v1/transit/decrypt/" + k, json={"ciphertext": ct_ad, "associated_data": b64("row-8")}))
raw = base64.b64decode(ct_ad[len("vault:v1:"):])
check("Vault's layout: nonce(12) | ciphertext | tag(16)", len(raw) == 12 + 3 + 16)
tampered = "vault:v1:" + base64.b64encode(raw[:-1] + bytes([raw[-1] ^ 1])).decode()
raises("a tampered ciphertext fails", exceptions.InvalidRequest,
       lambda: tr.decrypt_data(name=k, ciphertext=tampered))
raises("garbage ciphertext is a 400", exceptions.InvalidRequest, lambda: tr.decrypt_data(name=k, ciphertext="nope"))
raises("encrypt with an ed25519 key is refused", exceptions.InvalidRequest,
       lambda: tr.encrypt_data(name="k-ed25519", plaintext=b64("x")))

# batch, with references and a failing item
res = tr.encrypt_data(name=k, plaintext=None, batch_input=[
    {"plaintext": b64("one"), "reference": "r1"}, {"plaintext": b64("two"), "reference": "r2"}])["data"]["batch_results"]
check("batch encrypt keeps order and references", [r["reference"] for r in res] == ["r1", "r2"])
dec = tr.decrypt_data(name=k, ciphertext=None, batch_input=[{"ciphertext": r["ciphertext"]} for r in res])
check("batch decrypt", [d["plaintext"] for d in dec["data"]["batch_results"]] == [b64("one"), b64("two")])
raises("a batch with a bad item is a 400", exceptions.InvalidRequest, lambda: tr.decrypt_data(
    name=k, ciphertext=None, batch_input=[{"ciphertext": res[0]["ciphertext"]}, {"ciphertext": "vault:v1:AAAA"}]))

# rotation, rewrap, key_version, min_decryption_version, min_encryption_version
old = tr.encrypt_data(name=k, plaintext=b64("old"))["data"]["ciphertext"]
check("rotate gives version 2", tr.rotate_key(name=k)["data"]["latest_version"] == 2)
new = tr.encrypt_data(name=k, plaintext=b64("new"))["data"]["ciphertext"]
check("new ciphertexts name v2", new.startswith("vault:v2:"))
check("v1 ciphertexts still decrypt", tr.decrypt_data(name=k, ciphertext=old)["data"]["plaintext"] == b64("old"))
re = tr.rewrap_data(name=k, ciphertext=old)["data"]["ciphertext"]
check("rewrap moves to v2", re.startswith("vault:v2:") and tr.decrypt_data(name=k, ciphertext=re)["data"]["plaintext"] == b64("old"))
check("encrypt with key_version 1", tr.encrypt_data(name=k, plaintext=b64("x"), key_version=1)["data"]["ciphertext"].startswith("vault:v1:"))
tr.rotate_key(name=k)
tr.update_key_configuration(name=k, min_decryption_version=2, min_encryption_version=3)
cfg = tr.read_key(name=k)["data"]
check("config is read back", cfg["min_decryption_version"] == 2 and cfg["min_encryption_version"] == 3)
check("a v2 ciphertext still decrypts", tr.decrypt_data(name=k, ciphertext=new)["data"]["plaintext"] == b64("new"))
raises("min_decryption_version refuses v1", exceptions.InvalidRequest, lambda: tr.decrypt_data(name=k, ciphertext=old))
raises("min_encryption_version refuses key_version 2", exceptions.InvalidRequest,
       lambda: tr.encrypt_data(name=k, plaintext=b64("x"), key_version=2))
raises("trim above min_decryption_version is refused", exceptions.InvalidRequest, lambda: tr.trim_key(name=k, min_version=3))
tr.trim_key(name=k, min_version=2)
trimmed = tr.read_key(name=k)["data"]
check("trim drops version 1", trimmed["min_available_version"] == 2 and sorted(trimmed["keys"]) == ["2", "3"])
raises("a trimmed version cannot be asked for", exceptions.InvalidRequest,
       lambda: tr.encrypt_data(name=k, plaintext=b64("x"), key_version=1))

# datakey
dk = tr.generate_data_key(name=k, key_type="plaintext", bits=256)["data"]
check("datakey plaintext", len(base64.b64decode(dk["plaintext"])) == 32
      and tr.decrypt_data(name=k, ciphertext=dk["ciphertext"])["data"]["plaintext"] == dk["plaintext"])
check("datakey wrapped has no plaintext", "plaintext" not in tr.generate_data_key(name=k, key_type="wrapped")["data"])

# sign and verify
for t, opts in [("ed25519", {}), ("ecdsa-p256", {}), ("ecdsa-p384", {"hash_algorithm": "sha2-384"}),
                ("ecdsa-p521", {"hash_algorithm": "sha2-512"}), ("rsa-2048", {"signature_algorithm": "pss"}),
                ("rsa-2048", {"signature_algorithm": "pkcs1v15", "hash_algorithm": "sha2-512"})]:
    sig = tr.sign_data(name="k-" + t, hash_input=b64("msg"), **opts)["data"]["signature"]
    check("sign " + t + " " + str(opts), sig.startswith("vault:v1:"))
    check("verify " + t, tr.verify_signed_data(name="k-" + t, hash_input=b64("msg"), signature=sig, **opts)["data"]["valid"])
    check("verify " + t + " other message is false",
          not tr.verify_signed_data(name="k-" + t, hash_input=b64("other"), signature=sig, **opts)["data"]["valid"])
digest = base64.b64encode(hashlib.sha256(b"msg").digest()).decode()
sig = tr.sign_data(name="k-ecdsa-p256", hash_input=digest, prehashed=True)["data"]["signature"]
check("prehashed signature verifies against the message",
      tr.verify_signed_data(name="k-ecdsa-p256", hash_input=b64("msg"), signature=sig)["data"]["valid"])
for t, size, h in [("ecdsa-p256", 64, "sha2-256"), ("ecdsa-p384", 96, "sha2-384"), ("ecdsa-p521", 132, "sha2-512")]:
    jws = tr.sign_data(name="k-" + t, hash_input=b64("msg"), hash_algorithm=h, marshaling_algorithm="jws")["data"]["signature"]
    text = jws[len("vault:v1:"):]
    check("jws " + t + " is r|s in unpadded base64url", "=" not in text
          and len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) == size)
    check("jws " + t + " verifies as jws", tr.verify_signed_data(name="k-" + t, hash_input=b64("msg"), signature=jws,
                                                                 hash_algorithm=h, marshaling_algorithm="jws")["data"]["valid"])
    try:
        as_asn1 = tr.verify_signed_data(name="k-" + t, hash_input=b64("msg"), signature=jws, hash_algorithm=h)["data"]["valid"]
    except exceptions.InvalidRequest:
        as_asn1 = False
    check("jws " + t + " is not an asn1 signature", as_asn1 is False)
ed = tr.sign_data(name="k-ed25519", hash_input=b64("msg"), marshaling_algorithm="jws")["data"]["signature"]
check("jws ed25519 verifies as jws", tr.verify_signed_data(name="k-ed25519", hash_input=b64("msg"), signature=ed,
                                                           marshaling_algorithm="jws")["data"]["valid"])

# hmac
mac = tr.generate_hmac(name="k-hmac", hash_input=b64("msg"))["data"]["hmac"]
check("hmac gives vault:v1:", mac.startswith("vault:v1:"))
check("hmac verifies", tr.verify_signed_data(name="k-hmac", hash_input=b64("msg"), hmac=mac)["data"]["valid"])
check("hmac of another message does not", not tr.verify_signed_data(name="k-hmac", hash_input=b64("x"), hmac=mac)["data"]["valid"])
alice.adapter.post("/v1/transit/keys/hmac-exp", json={"type": "hmac", "exportable": True})
hkey = base64.b64decode(tr.export_key(name="hmac-exp", key_type="hmac-key")["data"]["keys"]["1"])
for alg, fn in [("sha2-224", hashlib.sha224), ("sha2-256", hashlib.sha256), ("sha2-384", hashlib.sha384),
                ("sha2-512", hashlib.sha512)]:
    m = tr.generate_hmac(name="hmac-exp", hash_input=b64("msg"), algorithm=alg)["data"]["hmac"]
    check("hmac " + alg + " is vault:v1: + base64 of the raw HMAC",
          m == "vault:v1:" + base64.b64encode(hmac_lib.new(hkey, b"msg", fn).digest()).decode())
    check("hmac " + alg + " verifies", tr.verify_signed_data(name="hmac-exp", hash_input=b64("msg"), hmac=m,
                                                             hash_algorithm=alg)["data"]["valid"])

# random and hash
check("random bytes", len(base64.b64decode(tr.generate_random_bytes(n_bytes=24)["data"]["random_bytes"])) == 24)
check("random hex", len(tr.generate_random_bytes(n_bytes=8, output_format="hex")["data"]["random_bytes"]) == 16)
check("hash sha2-256 hex", tr.hash_data(hash_input=b64("abc"), algorithm="sha2-256", output_format="hex")["data"]["sum"]
      == hashlib.sha256(b"abc").hexdigest())

# export: only exportable keys, only fitting types
raises("a non-exportable key is refused", exceptions.InvalidRequest,
       lambda: tr.export_key(name=k, key_type="encryption-key"))
tr.create_key(name="exp", key_type="aes256-gcm96", exportable=True)
check("export encryption-key", len(base64.b64decode(tr.export_key(name="exp", key_type="encryption-key")["data"]["keys"]["1"])) == 32)
raises("signing-key of an AES key is refused", exceptions.InvalidRequest,
       lambda: tr.export_key(name="exp", key_type="signing-key"))
check("public-key of an ed25519 key", alice.adapter.get("/v1/transit/export/public-key/k-ed25519")["data"]["keys"]["1"].startswith("-----BEGIN PUBLIC KEY"))

# delete only with deletion_allowed
raises("delete without deletion_allowed is refused", exceptions.InvalidRequest, lambda: tr.delete_key(name="exp"))
tr.update_key_configuration(name="exp", deletion_allowed=True)
tr.delete_key(name="exp")
check("a deleted key is no longer listed", "exp" not in tr.list_keys()["data"]["keys"])

# another user can neither use nor read alice's keys
raises("bob cannot read alice's key", exceptions.InvalidPath, lambda: bob.secrets.transit.read_key(name=k))
raises("bob cannot decrypt with it", (exceptions.InvalidPath, exceptions.Forbidden),
       lambda: bob.secrets.transit.decrypt_data(name=k, ciphertext=new))
raises("bob cannot encrypt with it (nor upsert over it)", (exceptions.InvalidPath, exceptions.Forbidden),
       lambda: bob.secrets.transit.encrypt_data(name=k, plaintext=b64("x")))
raises("bob cannot rotate it", (exceptions.InvalidPath, exceptions.Forbidden), lambda: bob.secrets.transit.rotate_key(name=k))
raises("bob lists nothing", exceptions.InvalidPath, lambda: bob.secrets.transit.list_keys())

# interop with Keyward's own API: a Transit key is a Keyward key
status, body = own("POST", "/v1/keys/k-aes128-gcm96/rotate")
check("rotate through Keyward's API", status == 200 and body["primary_version"] == 2)
check("Transit sees version 2", tr.read_key(name="k-aes128-gcm96")["data"]["latest_version"] == 2)
status, body = own("POST", "/v1/keys/k-aes128-gcm96/encrypt", {"plaintext": b64("from keyward")})
check("a kw: ciphertext decrypts through Transit",
      tr.decrypt_data(name="k-aes128-gcm96", ciphertext=body["ciphertext"])["data"]["plaintext"] == b64("from keyward"))
vct = tr.encrypt_data(name="k-aes128-gcm96", plaintext=b64("from transit"))["data"]["ciphertext"]
status, body = own("POST", "/v1/keys/k-aes128-gcm96/decrypt", {"ciphertext": vct})
check("a vault: ciphertext is refused clearly by Keyward's API", status == 400 and "kw:v" in body["error"]["message"])
status, body = own("GET", "/v1/keys/k-aes128-gcm96")
check("Keyward's API shows the Transit key", status == 200 and body["algorithm"] == "aes-128-gcm")
# a second Transit mount, enabled through the mounts API, with its own key names
admin = hvac.Client(url=url, token=admin_token)
raises("only admins enable mounts", exceptions.Forbidden,
       lambda: alice.sys.enable_secrets_engine(backend_type="transit", path="alicepay"))
admin.sys.enable_secrets_engine(backend_type="transit", path="hvacpay")
check("the new Transit mount is listed", admin.sys.list_mounted_secrets_engines()["data"]["hvacpay/"]["type"] == "transit")
tr.create_key(name="card", mount_point="hvacpay")
mct = tr.encrypt_data(name="card", plaintext=b64("4111"), mount_point="hvacpay")["data"]["ciphertext"]
check("encrypt and decrypt at the new mount",
      tr.decrypt_data(name="card", ciphertext=mct, mount_point="hvacpay")["data"]["plaintext"] == b64("4111"))
check("its key list has only its own keys", tr.list_keys(mount_point="hvacpay")["data"]["keys"] == ["card"])
check("a key read names the key as the mount knows it",
      tr.read_key(name="card", mount_point="hvacpay")["data"]["name"] == "card")
raises("bob cannot use it", exceptions.InvalidPath,
       lambda: bob.secrets.transit.encrypt_data(name="card", plaintext=b64("x"), mount_point="hvacpay"))
print("ALL OK")
