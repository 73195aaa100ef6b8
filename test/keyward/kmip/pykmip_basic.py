"""PyKMIP 0.10 against Keyward's KMIP port: one identity's whole key life, for one protocol version.

usage: pykmip_basic.py PORT DIR VERSION NAME
DIR holds ca.pem and alice.pem/alice.key. VERSION is 1.0 .. 2.0. Prints one line per check and
"ALL OK" at the end; any failure raises (non-zero exit).
"""
import sys
import logging

logging.disable(logging.CRITICAL)

from kmip.core import enums
from pykmip_common import VERSIONS, check, client, fails

port, d, version, name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


def connect(who):
    return client(port, d, who, VERSIONS[version])


with connect("alice") as c:
    uid = c.create(enums.CryptographicAlgorithm.AES, 256, name=name)
    check("create", len(uid) == 36)
    attrs = c.get_attributes(uid, ["State", "Cryptographic Algorithm", "Cryptographic Length", "Name"])
    byname = {a.attribute_name.value: a.attribute_value for a in attrs[1]}
    check("state pre-active", byname["State"].value == enums.State.PRE_ACTIVE)
    check("algorithm", byname["Cryptographic Algorithm"].value == enums.CryptographicAlgorithm.AES)
    check("length", byname["Cryptographic Length"].value == 256)
    fails("encrypt before activate", enums.ResultReason.WRONG_KEY_LIFECYCLE_STATE
          if version == "2.0" else enums.ResultReason.ILLEGAL_OPERATION, lambda: c.encrypt(b"x", uid=uid))
    c.activate(uid)
    fails("second activate", enums.ResultReason.WRONG_KEY_LIFECYCLE_STATE
          if version == "2.0" else enums.ResultReason.ILLEGAL_OPERATION, lambda: c.activate(uid))
    key = c.get(uid)
    check("get raw 32 bytes", len(key.value) == 32)
    ct, iv = c.encrypt(b"hello kmip", uid=uid)
    check("encrypt gives a Keyward ciphertext", ct.startswith(b"kw:v1:"))
    check("decrypt", c.decrypt(ct, uid=uid) == b"hello kmip")
    check("locate by name", c.locate(attributes=[
        c.attribute_factory.create_attribute(enums.AttributeType.NAME, name)]) == [uid])
    fails("destroy active", enums.ResultReason.WRONG_KEY_LIFECYCLE_STATE
          if version == "2.0" else enums.ResultReason.ILLEGAL_OPERATION, lambda: c.destroy(uid))
    c.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, uid)
    check("decrypt after revoke", c.decrypt(ct, uid=uid) == b"hello kmip")
    c.destroy(uid)
    attrs = c.get_attributes(uid, ["State"])
    check("destroyed", attrs[1][0].attribute_value.value == enums.State.DESTROYED)
    fails("unknown object", enums.ResultReason.ITEM_NOT_FOUND,
          lambda: c.get("0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"))
print("ALL OK")
