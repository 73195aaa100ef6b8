"""PyKMIP 0.10 against Keyward's KMIP port: the object model and lifecycle, for one protocol version.

usage: pykmip_objects.py PORT DIR VERSION PREFIX
DIR holds ca.pem and alice/bob .pem and .key. VERSION is 1.0 .. 2.0; PREFIX makes this run's names
unique. Prints one line per check, "KP_PRE <private uid>" and "KP_PRE_PUB <hex of the public key DER>"
of a Pre-Active RSA key pair for the Java side, and "ALL OK" at the end; any failure raises (non-zero
exit).
"""
import sys
import time
import logging

logging.disable(logging.CRITICAL)

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kmip.core import attributes as cattributes
from kmip.core import enums
from kmip.core import objects as cobjects
from kmip.core import primitives
from kmip.pie import objects as pobjects
from pykmip_common import VERSIONS, check, client, fails

port, d, version, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
V2 = version == "2.0"
WRONG_STATE = enums.ResultReason.WRONG_KEY_LIFECYCLE_STATE if V2 else enums.ResultReason.ILLEGAL_OPERATION


def connect(who):
    return client(port, d, who, VERSIONS[version])


def attrs(c, uid, names):
    """The named attributes' values by name."""
    _, found = c.get_attributes(uid, names)
    out = {}
    for a in found:
        out.setdefault(a.attribute_name.value, a.attribute_value)
    return out


def state(c, uid):
    return attrs(c, uid, ["State"])["State"].value


def name_attr(c, value):
    return c.attribute_factory.create_attribute(enums.AttributeType.NAME, value)


def attr(c, kind, value):
    return c.attribute_factory.create_attribute(kind, value)


def located(c, *filters, **kw):
    return c.locate(attributes=list(filters), **kw)


with connect("alice") as c:
    # ---- Create: AES 128/192/256 and HMAC keys, Pre-Active ----
    made = {}
    for bits in (128, 192, 256):
        uid = c.create(enums.CryptographicAlgorithm.AES, bits, name=prefix + "-aes" + str(bits))
        c.activate(uid)
        check("create AES-%d, activate, get %d bytes" % (bits, bits // 8), len(c.get(uid).value) == bits // 8)
        made[bits] = uid
    hmac = c.create(enums.CryptographicAlgorithm.HMAC_SHA256, 256, name=prefix + "-hmac")
    a = attrs(c, hmac, ["Object Type", "Cryptographic Algorithm", "State", "Cryptographic Usage Mask"])
    check("an HMAC key is a Pre-Active Symmetric Key", a["Object Type"].value == enums.ObjectType.SYMMETRIC_KEY
          and a["Cryptographic Algorithm"].value == enums.CryptographicAlgorithm.HMAC_SHA256
          and a["State"].value == enums.State.PRE_ACTIVE)
    fails("a 512-bit HMAC-SHA256 key is refused", enums.ResultReason.INVALID_FIELD,
          lambda: c.create(enums.CryptographicAlgorithm.HMAC_SHA256, 512))
    fails("AES-64 is refused", enums.ResultReason.INVALID_FIELD, lambda: c.create(enums.CryptographicAlgorithm.AES, 64))

    # ---- lifecycle rules ----
    fails("a second Activate", WRONG_STATE, lambda: c.activate(made[128]))
    fails("Destroy of an Active key", WRONG_STATE, lambda: c.destroy(made[128]))
    now = int(time.time())
    p = c.proxy
    later = p.create(enums.ObjectType.SYMMETRIC_KEY, cobjects.TemplateAttribute(attributes=[
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.AES),
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_LENGTH, 256),
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_USAGE_MASK,
             [enums.CryptographicUsageMask.ENCRYPT, enums.CryptographicUsageMask.DECRYPT]),
        attr(c, enums.AttributeType.ACTIVATION_DATE, now + 86400)])).uuid
    check("a future Activation Date keeps the key Pre-Active", state(c, later) == enums.State.PRE_ACTIVE)
    fails("a Pre-Active key does not encrypt", WRONG_STATE, lambda: c.encrypt(b"x", uid=later))
    past = p.create(enums.ObjectType.SYMMETRIC_KEY, cobjects.TemplateAttribute(attributes=[
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.AES),
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_LENGTH, 128),
        attr(c, enums.AttributeType.CRYPTOGRAPHIC_USAGE_MASK, [enums.CryptographicUsageMask.ENCRYPT]),
        attr(c, enums.AttributeType.ACTIVATION_DATE, now - 60)])).uuid
    check("a past Activation Date makes it Active", state(c, past) == enums.State.ACTIVE)
    fails("... and Activate then is a second Activate", WRONG_STATE, lambda: c.activate(past))
    ct, _ = c.encrypt(b"masked", uid=past)
    check("usage mask Encrypt: encrypt works", ct.startswith(b"kw:v1:"))
    fails("usage mask Encrypt: decrypt is refused", enums.ResultReason.PERMISSION_DENIED,
          lambda: c.decrypt(ct, uid=past))
    check("Check with an allowed mask", c.check(uid=past, cryptographic_usage_mask=[
        enums.CryptographicUsageMask.ENCRYPT]) == past)
    # (a failed Check is tested in KmipObjectsTest: PyKMIP 0.10 cannot read a failed Check's answer)
    c.revoke(enums.RevocationReasonCode.KEY_COMPROMISE, past, compromise_occurrence_date=now - 5)
    check("revoked for compromise: Compromised", state(c, past) == enums.State.COMPROMISED)
    c.destroy(past)
    check("destroyed after compromise: Destroyed Compromised or Destroyed",
          state(c, past) in (enums.State.DESTROYED_COMPROMISED, enums.State.DESTROYED))
    c.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, made[192])
    check("revoked: Deactivated", state(c, made[192]) == enums.State.DEACTIVATED)

    # ---- key pairs ----
    pub, priv = c.create_key_pair(enums.CryptographicAlgorithm.EC, 256, private_name=prefix + "-ec")
    check("CreateKeyPair EC P-256: uids " + priv + " and " + pub, pub == priv + "-pub")
    a = attrs(c, pub, ["Object Type", "State", "Cryptographic Length"])
    check("the public half is a Pre-Active Public Key", a["Object Type"].value == enums.ObjectType.PUBLIC_KEY
          and a["State"].value == enums.State.PRE_ACTIVE and a["Cryptographic Length"].value == 256)
    public = c.get(pub)
    check("Get public key: X.509 SubjectPublicKeyInfo", public.key_format_type == enums.KeyFormatType.X_509
          and serialization.load_der_public_key(public.value) is not None)
    private = c.get(priv)
    check("Get private key: PKCS#8", private.key_format_type == enums.KeyFormatType.PKCS_8
          and serialization.load_der_private_key(private.value, None) is not None)
    c.activate(priv)
    check("activating the private half leaves the public one Pre-Active",
          state(c, priv) == enums.State.ACTIVE and state(c, pub) == enums.State.PRE_ACTIVE)
    c.activate(pub)
    ed_pub, ed_priv = c.create_key_pair(enums.CryptographicAlgorithm.ED25519, 256)
    check("CreateKeyPair Ed25519", serialization.load_der_public_key(c.get(ed_pub).value) is not None)
    rsa_pub, rsa_priv = c.create_key_pair(enums.CryptographicAlgorithm.RSA, 2048,
                                          private_usage_mask=[enums.CryptographicUsageMask.SIGN],
                                          public_usage_mask=[enums.CryptographicUsageMask.VERIFY])
    rsa_public = c.get(rsa_pub)
    check("CreateKeyPair RSA-2048", rsa_public.cryptographic_length == 2048)
    print("KP_PRE", rsa_priv)
    print("KP_PRE_PUB", rsa_public.value.hex())
    fails("CreateKeyPair RSA-1024 is refused", enums.ResultReason.INVALID_FIELD,
          lambda: c.create_key_pair(enums.CryptographicAlgorithm.RSA, 1024))
    r = p.rekey_key_pair(private_key_uuid=cattributes.PrivateKeyUniqueIdentifier(ed_priv))
    check("ReKeyKeyPair makes a new pair", r.result_status.value == enums.ResultStatus.SUCCESS
          and r.private_key_uuid not in (None, ed_priv) and r.public_key_uuid == r.private_key_uuid + "-pub")

    # ---- Register ----
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())

    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    reg_priv = c.register(pobjects.PrivateKey(enums.CryptographicAlgorithm.RSA, 2048, der, enums.KeyFormatType.PKCS_8))
    back = serialization.load_der_private_key(c.get(reg_priv).value, None)
    check("Register a private key (PKCS#8)", back.private_numbers() == key.private_numbers())
    check("... its public half is there too", serialization.load_der_public_key(
        c.get(reg_priv + "-pub").value).public_numbers() == key.public_key().public_numbers())
    reg_pub = c.register(pobjects.PublicKey(enums.CryptographicAlgorithm.RSA, 2048, spki))
    check("Register a public key alone: " + reg_pub, reg_pub.endswith("-pub") and serialization.load_der_public_key(
        c.get(reg_pub).value).public_numbers() == key.public_key().public_numbers())
    fails("... it has no private half", enums.ResultReason.ITEM_NOT_FOUND, lambda: c.get(reg_pub[:-4]))
    raw = bytes(range(32))
    sym = c.register(pobjects.SymmetricKey(enums.CryptographicAlgorithm.AES, 256, raw))
    check("Register a symmetric key", c.get(sym).value == raw)
    secret = c.register(pobjects.SecretData(b"correct horse battery staple", enums.SecretDataType.PASSWORD))
    got = c.get(secret)
    check("Register and Get Secret Data", got.value == b"correct horse battery staple"
          and got.data_type == enums.SecretDataType.PASSWORD)
    check("... named 'Secret Data' (a KMIP name with a space)", attrs(c, secret, ["Name"])["Name"].name_value.value
          == "Secret Data")
    big = bytes(i % 251 for i in range(60000))
    opaque = c.register(pobjects.OpaqueObject(big, enums.OpaqueDataType.NONE))
    check("Register and Get a 60,000-byte Opaque Object", c.get(opaque).value == big)
    fails("an Opaque Object over 64 KiB is refused", enums.ResultReason.INVALID_FIELD,
          lambda: c.register(pobjects.OpaqueObject(bytes(70000), enums.OpaqueDataType.NONE)))

    # ---- attributes ----
    names = c.get_attribute_list(made[256])
    check("GetAttributeList " + str(len(names)), "State" in names and "Cryptographic Algorithm" in names)
    if V2:
        g1, g2 = prefix + "-g1", prefix + "-g2"
        c.set_attribute(unique_identifier=made[256], attribute_name="Object Group", attribute_value=g1)
        check("SetAttribute Object Group", attrs(c, made[256], ["Object Group"])["Object Group"].value == g1)
        c.modify_attribute(unique_identifier=made[256], current_attribute=cobjects.CurrentAttribute(
            attribute=primitives.TextString(g1, tag=enums.Tags.OBJECT_GROUP)), new_attribute=cobjects.NewAttribute(
            attribute=primitives.TextString(g2, tag=enums.Tags.OBJECT_GROUP)))
        check("ModifyAttribute Object Group g1 -> g2",
              attrs(c, made[256], ["Object Group"])["Object Group"].value == g2)
        check("Locate by Object Group", located(c, attr(c, enums.AttributeType.OBJECT_GROUP, g2)) == [made[256]])
        c.delete_attribute(unique_identifier=made[256], current_attribute=cobjects.CurrentAttribute(
            attribute=primitives.TextString(g2, tag=enums.Tags.OBJECT_GROUP)))
        check("DeleteAttribute Object Group", "Object Group" not in attrs(c, made[256], ["Object Group"]))
        c.set_attribute(unique_identifier=later, attribute_name="Activation Date", attribute_value=now - 1)
        check("SetAttribute Activation Date in the past activates", state(c, later) == enums.State.ACTIVE)
    else:
        group = prefix + "-group"
        g = pobjects.SymmetricKey(enums.CryptographicAlgorithm.AES, 128, bytes(16), name=prefix + "-grouped")
        grouped = c.register(g)
        c.modify_attribute(unique_identifier=grouped, attribute=cobjects.Attribute(
            attribute_name=cobjects.Attribute.AttributeName("Name"), attribute_value=attr(
                c, enums.AttributeType.NAME, prefix + "-renamed").attribute_value))
        check("ModifyAttribute Name", attrs(c, grouped, ["Name"])["Name"].name_value.value == prefix + "-renamed")
        tagged = p.create(enums.ObjectType.SYMMETRIC_KEY, cobjects.TemplateAttribute(attributes=[
            attr(c, enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.AES),
            attr(c, enums.AttributeType.CRYPTOGRAPHIC_LENGTH, 128),
            attr(c, enums.AttributeType.OBJECT_GROUP, group),
            c.attribute_factory.create_attribute("x-team", prefix + "-payments")])).uuid
        check("custom attribute x-team at Create", attrs(c, tagged, ["x-team"])["x-team"].value == prefix + "-payments")
        check("Locate by custom attribute", located(c, c.attribute_factory.create_attribute(
            "x-team", prefix + "-payments")) == [tagged])
        check("Locate by Object Group", located(c, attr(c, enums.AttributeType.OBJECT_GROUP, group)) == [tagged])
        c.modify_attribute(unique_identifier=tagged, attribute=cobjects.Attribute(
            attribute_name=cobjects.Attribute.AttributeName("x-team"),
            attribute_value=c.attribute_factory.create_attribute("x-team", prefix + "-billing").attribute_value))
        check("ModifyAttribute x-team", attrs(c, tagged, ["x-team"])["x-team"].value == prefix + "-billing")
        c.delete_attribute(unique_identifier=tagged, attribute_name="x-team", attribute_index=0)
        check("DeleteAttribute x-team", "x-team" not in attrs(c, tagged, ["x-team"]))
        fails("Cryptographic Algorithm is the server's", enums.ResultReason.INVALID_FIELD,
              lambda: c.delete_attribute(unique_identifier=tagged, attribute_name="Cryptographic Algorithm",
                                         attribute_index=0))

    # ---- Locate ----
    check("Locate by Name", located(c, name_attr(c, prefix + "-aes128")) == [made[128]])
    check("Locate by a KMIP name that is no Keyward name", secret in located(c, name_attr(c, "Secret Data")))
    pubs = located(c, attr(c, enums.AttributeType.OBJECT_TYPE, enums.ObjectType.PUBLIC_KEY))
    check("Locate by Object Type Public Key", pub in pubs and priv not in pubs and reg_pub in pubs)
    ecs = located(c, attr(c, enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.EC))
    check("Locate by algorithm EC finds both halves", pub in ecs and priv in ecs)
    active = located(c, attr(c, enums.AttributeType.STATE, enums.State.DEACTIVATED),
                     attr(c, enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.AES))
    check("Locate by State and algorithm", made[192] in active and made[256] not in active)
    everything = c.locate()
    page = c.locate(maximum_items=2, offset_items=1)
    check("Maximum Items and Offset Items", page == everything[1:3])

    # ---- ReKey ----
    new = c.rekey(uid=made[256])
    check("ReKey makes a new object with a new uid", new != made[256] and len(c.get(new).value) == 32)
    check("... that takes over the Name", located(c, name_attr(c, prefix + "-aes256")) == [new])
    check("... and is Active like the old one", state(c, new) == enums.State.ACTIVE)
    off = c.rekey(uid=made[128], offset=3600)
    check("ReKey with an Offset: Pre-Active until then", state(c, off) == enums.State.PRE_ACTIVE)

    # ---- Destroy ----
    c.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, priv)
    c.destroy(pub)
    c.destroy(priv)
    check("a pair is destroyed as one", state(c, pub) == enums.State.DESTROYED and state(c, priv) == enums.State.DESTROYED)
    fails("Get of a destroyed key", WRONG_STATE, lambda: c.get(priv))

# ---- a second identity sees and uses nothing of alice's ----
with connect("bob") as b:
    for uid in (made[128], ed_priv, ed_pub, secret, opaque, reg_pub):
        fails("bob gets alice's " + uid, enums.ResultReason.ITEM_NOT_FOUND, lambda: b.get(uid))
    fails("bob reads the attributes of alice's public key", enums.ResultReason.ITEM_NOT_FOUND,
          lambda: b.get_attributes(ed_pub))
    fails("bob revokes alice's key pair", enums.ResultReason.ITEM_NOT_FOUND,
          lambda: b.revoke(enums.RevocationReasonCode.KEY_COMPROMISE, rsa_priv))
    fails("bob rekeys alice's key", enums.ResultReason.ITEM_NOT_FOUND, lambda: b.rekey(uid=made[192]))
    fails("bob activates alice's key", enums.ResultReason.ITEM_NOT_FOUND, lambda: b.activate(hmac))
    check("bob locates none of alice's objects", not set(b.locate()) & set(everything))
print("ALL OK")
