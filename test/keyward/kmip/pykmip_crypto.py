"""PyKMIP 0.10 against Keyward's KMIP port: the cryptographic operations, for one protocol version.

usage: pykmip_crypto.py PORT DIR VERSION RSA_ID EC_ID ED_ID HMAC_ID HMAC_HEX
DIR holds ca.pem, alice/bob .pem and .key, and the public keys rsa-pub.pem, ec-pub.pem, ed-pub.pem
of the keys RSA_ID, EC_ID, ED_ID that the test made over REST; HMAC_ID is an hmac-sha256 key
imported with the material HMAC_HEX. Every result is checked against Python's own cryptography
(the 'cryptography' package PyKMIP depends on). Prints one line per check and "ALL OK" at the end;
any failure raises (non-zero exit).
"""
import hashlib
import hmac as hmac_mod
import os
import sys
import logging

logging.disable(logging.CRITICAL)

from cryptography.hazmat.primitives import hashes, padding as sym_padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_unwrap_with_padding
from cryptography.exceptions import InvalidSignature

from kmip.core import enums
from kmip.core import attributes as cattrs
from kmip.core import objects as cobjects
from kmip.core.messages import messages, payloads
from kmip.core.messages.contents import Operation

import pykmip_common
from pykmip_common import VERSIONS, check, fails

port, d, version = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rsa_id, ec_id, ed_id, hmac_id, hmac_key = sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], bytes.fromhex(sys.argv[8])
V = VERSIONS[version]
E = enums
U = enums.CryptographicUsageMask


def connect(who):
    return pykmip_common.client(port, d, who, V)


def public(name):
    with open(d + "/" + name, "rb") as f:
        return serialization.load_pem_public_key(f.read())


def aes_key(c, usage):
    uid = c.create(E.CryptographicAlgorithm.AES, 256, cryptographic_usage_mask=usage)
    c.activate(uid)
    return uid, c.get(uid).value


def exact_key(c, usage):
    """An AES key with exactly this usage mask, made through the lower-level KMIPProxy."""
    f = c.attribute_factory
    attrs = [f.create_attribute(E.AttributeType.CRYPTOGRAPHIC_ALGORITHM, E.CryptographicAlgorithm.AES),
             f.create_attribute(E.AttributeType.CRYPTOGRAPHIC_LENGTH, 256),
             f.create_attribute(E.AttributeType.CRYPTOGRAPHIC_USAGE_MASK, usage)]
    r = c.proxy.create(E.ObjectType.SYMMETRIC_KEY, cobjects.TemplateAttribute(attributes=attrs))
    check("create through KMIPProxy", r.result_status.value == E.ResultStatus.SUCCESS)
    c.activate(r.uuid)
    return r.uuid


def local(mode, key, iv, data, pad):
    if pad:
        p = sym_padding.PKCS7(128).padder()
        data = p.update(data) + p.finalize()
    e = Cipher(algorithms.AES(key), mode(iv)).encryptor()
    return e.update(data) + e.finalize()


def raw_item(c, op, payload):
    """One batch item through PyKMIP's lower-level KMIPProxy, for the fields ProxyKmipClient drops."""
    proxy = c.proxy
    item = messages.RequestBatchItem(operation=Operation(op), request_payload=payload)
    return proxy._send_and_receive_message(proxy._build_request_message(None, [item])).batch_items[0]


msg = b"the quick brown fox jumps over the lazy dog: " + version.encode()

with connect("alice") as c:
    uid, key = aes_key(c, [U.ENCRYPT, U.DECRYPT])

    # AES-CBC with PKCS#5, the client's IV and the server's
    cbc = {"cryptographic_algorithm": E.CryptographicAlgorithm.AES, "block_cipher_mode": E.BlockCipherMode.CBC,
           "padding_method": E.PaddingMethod.PKCS5}
    iv = os.urandom(16)
    ct, got_iv = c.encrypt(msg, uid=uid, cryptographic_parameters=cbc, iv_counter_nonce=iv)
    check("cbc client iv: no iv returned", got_iv is None)
    check("cbc client iv: the ciphertext is AES-CBC-PKCS7", ct == local(modes.CBC, key, iv, msg, True))
    check("cbc client iv: decrypt", c.decrypt(ct, uid=uid, cryptographic_parameters=cbc, iv_counter_nonce=iv) == msg)
    ct, got_iv = c.encrypt(msg, uid=uid, cryptographic_parameters=dict(cbc, random_iv=True))
    check("cbc server iv: 16 bytes returned", got_iv is not None and len(got_iv) == 16)
    check("cbc server iv: the ciphertext is AES-CBC-PKCS7", ct == local(modes.CBC, key, got_iv, msg, True))
    check("cbc server iv: decrypt", c.decrypt(ct, uid=uid, cryptographic_parameters=cbc, iv_counter_nonce=got_iv) == msg)
    cbc_none = dict(cbc, padding_method=E.PaddingMethod.NONE)
    ct, _ = c.encrypt(msg[:32], uid=uid, cryptographic_parameters=cbc_none, iv_counter_nonce=iv)
    check("cbc without padding, whole blocks", ct == local(modes.CBC, key, iv, msg[:32], False))
    fails("cbc without padding, not whole blocks", E.ResultReason.INVALID_FIELD,
          lambda: c.encrypt(msg[:31], uid=uid, cryptographic_parameters=cbc_none, iv_counter_nonce=iv))

    # AES-CTR, the client's counter block and the server's
    ctr = {"block_cipher_mode": E.BlockCipherMode.CTR}
    ct, got_iv = c.encrypt(msg, uid=uid, cryptographic_parameters=ctr, iv_counter_nonce=iv)
    check("ctr client iv: the ciphertext is AES-CTR", got_iv is None and ct == local(modes.CTR, key, iv, msg, False))
    check("ctr client iv: decrypt", c.decrypt(ct, uid=uid, cryptographic_parameters=ctr, iv_counter_nonce=iv) == msg)
    ct, got_iv = c.encrypt(msg, uid=uid, cryptographic_parameters=dict(ctr, random_iv=True))
    check("ctr server iv", len(got_iv) == 16 and ct == local(modes.CTR, key, got_iv, msg, False))

    # refusals: wrong mode, wrong padding, a missing IV, a second identity
    fails("ecb", E.ResultReason.FEATURE_NOT_SUPPORTED, lambda: c.encrypt(
        msg, uid=uid, cryptographic_parameters={"block_cipher_mode": E.BlockCipherMode.ECB}))
    fails("cbc with oaep padding", E.ResultReason.INVALID_FIELD, lambda: c.encrypt(
        msg, uid=uid, cryptographic_parameters=dict(cbc, padding_method=E.PaddingMethod.OAEP)))
    fails("ctr with pkcs5 padding", E.ResultReason.INVALID_FIELD, lambda: c.encrypt(
        msg, uid=uid, cryptographic_parameters=dict(ctr, padding_method=E.PaddingMethod.PKCS5)))
    fails("cbc decrypt without iv", E.ResultReason.INVALID_FIELD, lambda: c.decrypt(
        ct, uid=uid, cryptographic_parameters=cbc))
    fails("cbc decrypt, padding does not check", E.ResultReason.CRYPTOGRAPHIC_FAILURE, lambda: c.decrypt(
        local(modes.CBC, key, iv, b"\x00" * 16, False), uid=uid, cryptographic_parameters=cbc, iv_counter_nonce=iv))

    # the envelope (no parameters) is unchanged
    env, _ = c.encrypt(msg, uid=uid)
    check("no parameters: Keyward's envelope", env.startswith(b"kw:v1:") and c.decrypt(env, uid=uid) == msg)

    # usage mask: an encrypt-only key does not decrypt (made through KMIPProxy: ProxyKmipClient always adds Decrypt)
    eo = exact_key(c, [U.ENCRYPT])
    ct, got_iv = c.encrypt(msg, uid=eo, cryptographic_parameters=dict(ctr, random_iv=True))
    fails("usage mask without Decrypt", E.ResultReason.PERMISSION_DENIED, lambda: c.decrypt(
        ct, uid=eo, cryptographic_parameters=ctr, iv_counter_nonce=got_iv))

    # AES-GCM with a tag and AAD: the tag fields are KMIP 1.4's, sent through the lower-level KMIPProxy
    if V >= E.KMIPVersion.KMIP_1_4:
        aad = b"header " + version.encode()
        gcm_iv = os.urandom(12)
        item = raw_item(c, E.Operation.ENCRYPT, payloads.EncryptRequestPayload(
            unique_identifier=uid, data=msg, iv_counter_nonce=gcm_iv, auth_additional_data=aad,
            cryptographic_parameters=cattrs.CryptographicParameters(block_cipher_mode=E.BlockCipherMode.GCM,
                                                                    tag_length=16)))
        check("gcm client iv: success", item.result_status.value == E.ResultStatus.SUCCESS)
        ct, tag = item.response_payload.data, item.response_payload.auth_tag
        check("gcm client iv: ciphertext and tag are AES-GCM's", ct + tag == AESGCM(key).encrypt(gcm_iv, msg, aad))
        check("gcm client iv: no iv returned", item.response_payload.iv_counter_nonce is None)

        def gcm_decrypt(data, nonce, t, a):
            return raw_item(c, E.Operation.DECRYPT, payloads.DecryptRequestPayload(
                unique_identifier=uid, data=data, iv_counter_nonce=nonce, auth_additional_data=a, auth_tag=t,
                cryptographic_parameters=cattrs.CryptographicParameters(block_cipher_mode=E.BlockCipherMode.GCM)))
        item = gcm_decrypt(ct, gcm_iv, tag, aad)
        check("gcm decrypt", item.result_status.value == E.ResultStatus.SUCCESS and item.response_payload.data == msg)
        bad = bytes([tag[0] ^ 1]) + tag[1:]
        item = gcm_decrypt(ct, gcm_iv, bad, aad)
        check("gcm bad tag -> Cryptographic Failure", item.result_reason.value == E.ResultReason.CRYPTOGRAPHIC_FAILURE)
        item = gcm_decrypt(ct, gcm_iv, tag, b"other header")
        check("gcm other aad -> Cryptographic Failure", item.result_reason.value == E.ResultReason.CRYPTOGRAPHIC_FAILURE)

        item = raw_item(c, E.Operation.ENCRYPT, payloads.EncryptRequestPayload(
            unique_identifier=uid, data=msg, auth_additional_data=aad,
            cryptographic_parameters=cattrs.CryptographicParameters(block_cipher_mode=E.BlockCipherMode.GCM,
                                                                    random_iv=True)))
        p = item.response_payload
        check("gcm server iv: 12 bytes returned", len(p.iv_counter_nonce) == 12)
        check("gcm server iv: AES-GCM", p.data + p.auth_tag == AESGCM(key).encrypt(p.iv_counter_nonce, msg, aad))
        check("gcm server iv: decrypt", gcm_decrypt(p.data, p.iv_counter_nonce, p.auth_tag, aad).response_payload.data == msg)

    # RSA-OAEP, SHA-1 and SHA-256, with either UID of the pair; MGF1 is SHA-1 unless named (KMIP's default)
    rsa_pub = public("rsa-pub.pem")
    for h, ph, name in ((E.HashingAlgorithm.SHA_1, hashes.SHA1(), "sha-1"), (E.HashingAlgorithm.SHA_256, hashes.SHA256(), "sha-256")):
        oaep = {"cryptographic_algorithm": E.CryptographicAlgorithm.RSA, "padding_method": E.PaddingMethod.OAEP,
                "hashing_algorithm": h}
        ct, _ = c.encrypt(msg, uid=rsa_id + "-pub", cryptographic_parameters=oaep)
        check("oaep " + name + " with the public key's uid", len(ct) == 256)
        check("oaep " + name + " decrypt", c.decrypt(ct, uid=rsa_id, cryptographic_parameters=oaep) == msg)
        mine = rsa_pub.encrypt(msg, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=ph, label=None))
        check("oaep " + name + " of python's cryptography decrypts",
              c.decrypt(mine, uid=rsa_id, cryptographic_parameters=oaep) == msg)
        ct, _ = c.encrypt(msg, uid=rsa_id, cryptographic_parameters=oaep)
        check("oaep " + name + " with the private key's uid", c.decrypt(ct, uid=rsa_id, cryptographic_parameters=oaep) == msg)
    fails("oaep decrypt with the public key", E.ResultReason.INVALID_FIELD, lambda: c.decrypt(
        ct, uid=rsa_id + "-pub", cryptographic_parameters=oaep))
    fails("rsa pkcs1 v1.5 encryption", E.ResultReason.FEATURE_NOT_SUPPORTED, lambda: c.encrypt(
        msg, uid=rsa_id, cryptographic_parameters=dict(oaep, padding_method=E.PaddingMethod.PKCS1v15)))
    fails("oaep decrypt of garbage", E.ResultReason.CRYPTOGRAPHIC_FAILURE, lambda: c.decrypt(
        b"\x01" * 256, uid=rsa_id, cryptographic_parameters=oaep))

    # Sign and SignatureVerify: RSA-PSS, RSA PKCS#1 v1.5, ECDSA, Ed25519
    pss = {"cryptographic_algorithm": E.CryptographicAlgorithm.RSA, "padding_method": E.PaddingMethod.PSS,
           "hashing_algorithm": E.HashingAlgorithm.SHA_256}
    sig = c.sign(msg, uid=rsa_id, cryptographic_parameters=pss)
    rsa_pub.verify(sig, msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    check("rsa-pss signature verifies in python", True)
    check("rsa-pss verify over kmip (public uid)",
          c.signature_verify(msg, sig, uid=rsa_id + "-pub", cryptographic_parameters=pss) == E.ValidityIndicator.VALID)
    check("rsa-pss other message is invalid",
          c.signature_verify(msg + b"!", sig, uid=rsa_id, cryptographic_parameters=pss) == E.ValidityIndicator.INVALID)
    pkcs1 = {"digital_signature_algorithm": E.DigitalSignatureAlgorithm.SHA256_WITH_RSA_ENCRYPTION}
    sig = c.sign(msg, uid=rsa_id, cryptographic_parameters=pkcs1)
    rsa_pub.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256())
    check("rsa pkcs1 v1.5 signature verifies in python", True)
    check("rsa pkcs1 verify over kmip",
          c.signature_verify(msg, sig, uid=rsa_id, cryptographic_parameters=pkcs1) == E.ValidityIndicator.VALID)
    check("rsa pkcs1 signature is not a pss one",
          c.signature_verify(msg, sig, uid=rsa_id, cryptographic_parameters=pss) == E.ValidityIndicator.INVALID)
    ecdsa = {"digital_signature_algorithm": E.DigitalSignatureAlgorithm.ECDSA_WITH_SHA256}
    sig = c.sign(msg, uid=ec_id, cryptographic_parameters=ecdsa)
    public("ec-pub.pem").verify(sig, msg, ec.ECDSA(hashes.SHA256()))
    check("ecdsa signature verifies in python", True)
    check("ecdsa verify over kmip",
          c.signature_verify(msg, sig, uid=ec_id + "-pub", cryptographic_parameters=ecdsa) == E.ValidityIndicator.VALID)
    sig = c.sign(msg, uid=ed_id, cryptographic_parameters={"cryptographic_algorithm": E.CryptographicAlgorithm.ED25519})
    public("ed-pub.pem").verify(sig, msg)
    check("ed25519 signature verifies in python", len(sig) == 64)
    check("ed25519 verify over kmip, no parameters",
          c.signature_verify(msg, sig, uid=ed_id + "-pub") == E.ValidityIndicator.VALID)
    try:
        public("ed-pub.pem").verify(sig, msg + b"!")
        raise AssertionError("ed25519 accepted another message")
    except InvalidSignature:
        check("ed25519 signature binds the message", True)
    fails("ecdsa parameters on an rsa key", E.ResultReason.INVALID_FIELD,
          lambda: c.sign(msg, uid=rsa_id, cryptographic_parameters=ecdsa))
    fails("sha-1 with rsa", E.ResultReason.FEATURE_NOT_SUPPORTED, lambda: c.sign(msg, uid=rsa_id, cryptographic_parameters={
        "digital_signature_algorithm": E.DigitalSignatureAlgorithm.SHA1_WITH_RSA_ENCRYPTION}))
    fails("sign with the public key", E.ResultReason.INVALID_FIELD,
          lambda: c.sign(msg, uid=ec_id + "-pub", cryptographic_parameters=ecdsa))

    # MAC
    got_uid, mac = c.mac(msg, uid=hmac_id, algorithm=E.CryptographicAlgorithm.HMAC_SHA256)
    check("hmac-sha256 is python's", got_uid == hmac_id and mac == hmac_mod.new(hmac_key, msg, hashlib.sha256).digest())
    _, mac = c.mac(msg, uid=hmac_id, algorithm=E.CryptographicAlgorithm.HMAC_SHA512)
    check("hmac-sha512 of the same key is python's", mac == hmac_mod.new(hmac_key, msg, hashlib.sha512).digest())
    fails("mac with an aes key", E.ResultReason.INVALID_FIELD,
          lambda: c.mac(msg, uid=uid, algorithm=E.CryptographicAlgorithm.HMAC_SHA256))

    # DeriveKey: PBKDF2 and HKDF from a key that allows Derive Key, into new AES keys the caller owns
    base, base_key = aes_key(c, [U.ENCRYPT, U.DECRYPT, U.DERIVE_KEY])
    new = c.derive_key(E.ObjectType.SYMMETRIC_KEY, [base], E.DerivationMethod.PBKDF2, {
        "cryptographic_parameters": {"hashing_algorithm": E.HashingAlgorithm.SHA_256},
        "salt": b"kmip salt", "iteration_count": 1000},
        cryptographic_algorithm=E.CryptographicAlgorithm.AES, cryptographic_length=256)
    check("pbkdf2: a new key", new != base)
    c.activate(new)
    check("pbkdf2: its material is python's PBKDF2-HMAC-SHA256",
          c.get(new).value == hashlib.pbkdf2_hmac("sha256", base_key, b"kmip salt", 1000, 32))
    new = c.derive_key(E.ObjectType.SYMMETRIC_KEY, [base], E.DerivationMethod.HKDF, {
        "cryptographic_parameters": {"hashing_algorithm": E.HashingAlgorithm.SHA_256},
        "salt": b"hkdf salt", "derivation_data": b"context"},
        cryptographic_algorithm=E.CryptographicAlgorithm.AES, cryptographic_length=128)
    c.activate(new)
    check("hkdf: its material is python's HKDF-SHA256", c.get(new).value == HKDF(
        algorithm=hashes.SHA256(), length=16, salt=b"hkdf salt", info=b"context").derive(base_key))
    fails("derive from a key without Derive Key", E.ResultReason.PERMISSION_DENIED, lambda: c.derive_key(
        E.ObjectType.SYMMETRIC_KEY, [uid], E.DerivationMethod.PBKDF2, {"salt": b"s", "iteration_count": 10},
        cryptographic_algorithm=E.CryptographicAlgorithm.AES, cryptographic_length=256))
    fails("derive by HMAC (not served)", E.ResultReason.FEATURE_NOT_SUPPORTED, lambda: c.derive_key(
        E.ObjectType.SYMMETRIC_KEY, [base], E.DerivationMethod.HMAC, {"derivation_data": b"x"},
        cryptographic_algorithm=E.CryptographicAlgorithm.AES, cryptographic_length=256))

    # Get wrapped: RFC 3394 and RFC 5649 under a key that allows Wrap Key, unwrapped here
    kek_uid, kek = aes_key(c, [U.WRAP_KEY, U.UNWRAP_KEY])

    def wrapped(target, mode, wrapping=kek_uid):
        return c.get(target, key_wrapping_specification={
            "wrapping_method": E.WrappingMethod.ENCRYPT,
            "encryption_key_information": {"unique_identifier": wrapping,
                                           "cryptographic_parameters": {"block_cipher_mode": mode}},
            "encoding_option": E.EncodingOption.NO_ENCODING})
    w = wrapped(uid, E.BlockCipherMode.NIST_KEY_WRAP)
    check("get wrapped rfc 3394: 40 bytes", len(w.value) == 40)
    check("get wrapped rfc 3394: unwraps to the key", aes_key_unwrap(kek, w.value) == key)
    check("get wrapped: the wrapping data names the key",
          w.key_wrapping_data["encryption_key_information"]["unique_identifier"] == kek_uid)
    w = wrapped(uid, E.BlockCipherMode.AES_KEY_WRAP_PADDING)
    check("get wrapped rfc 5649: unwraps to the key", aes_key_unwrap_with_padding(kek, w.value) == key)
    fails("wrap under a key without Wrap Key", E.ResultReason.PERMISSION_DENIED,
          lambda: wrapped(kek_uid, E.BlockCipherMode.NIST_KEY_WRAP, wrapping=uid))
    fails("wrap in cbc", E.ResultReason.FEATURE_NOT_SUPPORTED, lambda: wrapped(uid, E.BlockCipherMode.CBC))
    fails("wrap under an unknown key", E.ResultReason.ITEM_NOT_FOUND,
          lambda: wrapped(uid, E.BlockCipherMode.NIST_KEY_WRAP, wrapping="0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"))

    # a second identity cannot use the first's keys
    with connect("bob") as b:
        fails("bob encrypts with alice's key", E.ResultReason.ITEM_NOT_FOUND, lambda: b.encrypt(
            msg, uid=uid, cryptographic_parameters=dict(ctr, random_iv=True)))
        fails("bob signs with alice's key", E.ResultReason.ITEM_NOT_FOUND,
              lambda: b.sign(msg, uid=rsa_id, cryptographic_parameters=pss))
        fails("bob macs with alice's key", E.ResultReason.ITEM_NOT_FOUND,
              lambda: b.mac(msg, uid=hmac_id, algorithm=E.CryptographicAlgorithm.HMAC_SHA256))
        fails("bob wraps alice's key", E.ResultReason.ITEM_NOT_FOUND,
              lambda: b.get(uid, key_wrapping_specification={
                  "wrapping_method": E.WrappingMethod.ENCRYPT,
                  "encryption_key_information": {"unique_identifier": kek_uid},
                  "encoding_option": E.EncodingOption.NO_ENCODING}))
print("ALL OK")
