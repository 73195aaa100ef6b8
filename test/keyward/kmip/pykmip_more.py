"""PyKMIP 0.10 against Keyward's KMIP port: versions, query, batches, refusals, a second identity, one
long connection, and the keys shared with REST.

usage: pykmip_more.py PORT DIR REST_KEY_NAME REST_KEY_ID
DIR holds ca.pem, alice/bob/nobody/stranger .pem and .key (stranger is signed by another CA).
Prints one line per check, "KMIP_KEY <uid>" and "KMIP_CT <ciphertext>" for the Java side, and
"ALL OK" at the end; any failure raises (non-zero exit).
"""
import socket
import ssl
import sys
import logging

logging.disable(logging.CRITICAL)

from kmip.core import enums
from pykmip_common import check, client, fails

port, d, rest_name, rest_id = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


def connect(who, version=enums.KMIPVersion.KMIP_1_2):
    return client(port, d, who, version)


def refused(what, context):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s = context.wrap_socket(raw)
        # TLS 1.3 reports a refused client certificate only at the first read
        s.sendall(b"\x42\x00\x78\x01\x00\x00\x00\x00")
        data = s.recv(8)
        check(what + " (connection closed)", data == b"")
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError, OSError) as e:
        check(what + " (" + type(e).__name__ + ")", True)
    finally:
        raw.close()


def tls(version=None, cert=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.load_verify_locations(d + "/ca.pem")
    if version is not None:
        c.minimum_version = version
        c.maximum_version = version
        c.set_ciphers("DEFAULT:@SECLEVEL=0")
    if cert is not None:
        c.load_cert_chain(d + "/" + cert + ".pem", d + "/" + cert + ".key")
    return c


# ---- versions and query, through the low-level KMIPProxy ----
with connect("alice") as c:
    p = c.proxy
    r = p.discover_versions()
    versions = [(v.major, v.minor) for v in r.protocol_versions]
    check("discover versions " + str(versions), versions[:2] == [(2, 1), (2, 0)] and (1, 0) in versions)
    r = p.discover_versions(protocol_versions=[
        __import__("kmip.core.messages.contents", fromlist=["ProtocolVersion"]).ProtocolVersion(1, 4),
        __import__("kmip.core.messages.contents", fromlist=["ProtocolVersion"]).ProtocolVersion(9, 9)])
    check("discover versions, filtered", [(v.major, v.minor) for v in r.protocol_versions] == [(1, 4)])
    r = p.query(query_functions=[enums.QueryFunction.QUERY_OPERATIONS, enums.QueryFunction.QUERY_OBJECTS,
                                 enums.QueryFunction.QUERY_SERVER_INFORMATION])
    ops = set(r.operations)
    check("query operations", {enums.Operation.CREATE, enums.Operation.GET, enums.Operation.ENCRYPT,
                                enums.Operation.LOCATE, enums.Operation.DESTROY, enums.Operation.REGISTER,
                                enums.Operation.CREATE_KEY_PAIR, enums.Operation.REKEY} <= ops
          and enums.Operation.ARCHIVE not in ops)
    check("query objects", list(r.object_types) == [
        enums.ObjectType.SYMMETRIC_KEY, enums.ObjectType.PUBLIC_KEY, enums.ObjectType.PRIVATE_KEY,
        enums.ObjectType.SECRET_DATA, enums.ObjectType.OPAQUE_DATA])
    check("query vendor", r.vendor_identification == "Keyward")

    # a batch of three items in one request message
    p.discover_versions(batch=True)
    p.query(batch=True, query_functions=[enums.QueryFunction.QUERY_OBJECTS])
    p.discover_versions(batch=True)
    response = p._send_and_receive_message(p._build_request_message(None, p.batch_items))
    p.batch_items = []
    results = p._process_batch_items(response)
    check("batch of 3 answered as 3", len(results) == 3
          and all(x.result_status.value == enums.ResultStatus.SUCCESS for x in results))

    # an operation not served is answered, and the connection stays usable
    from kmip.core import primitives
    from kmip.core.messages import messages, payloads
    archive = messages.RequestBatchItem(
        operation=primitives.Enumeration(enums.Operation, enums.Operation.ARCHIVE, tag=enums.Tags.OPERATION),
        request_payload=payloads.ArchiveRequestPayload(unique_identifier="0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"))
    # PyKMIP 0.10 decodes no answer to Archive, so the answer's bytes are searched for the Result Reason
    p._send_message(p._build_request_message(None, [archive]))
    raw = bytes(p._receive_message().buffer)
    check("archive is not served -> Operation Not Supported",
          b"\x42\x00\x7e\x05\x00\x00\x00\x04\x00\x00\x00\x05" in raw)

    # 50 requests on this one connection
    uid = c.create(enums.CryptographicAlgorithm.AES, 128, name=rest_name + "-kmip")
    c.activate(uid)
    for i in range(50):
        data = ("message %d" % i).encode()
        ct, _ = c.encrypt(data, uid=uid)
        if c.decrypt(ct, uid=uid) != data:
            raise AssertionError("round trip %d" % i)
    check("50 encrypt/decrypt round trips on one connection", True)
    print("KMIP_KEY", uid)
    ct, _ = c.encrypt(b"made over kmip", uid=uid)
    print("KMIP_CT", ct.decode())

    # the key made over REST
    check("a REST key is found by name", c.locate(attributes=[
        c.attribute_factory.create_attribute(enums.AttributeType.NAME, rest_name)]) == [rest_id])
    found = c.locate(attributes=[c.attribute_factory.create_attribute(
        enums.AttributeType.OBJECT_TYPE, enums.ObjectType.SYMMETRIC_KEY)])
    check("locate by object type finds both", rest_id in found and uid in found)
    check("locate maximum items", len(c.locate(maximum_items=1)) == 1)
    ct2, _ = c.encrypt(b"with the REST key", uid=rest_id)
    check("the REST key encrypts over KMIP", c.decrypt(ct2, uid=rest_id) == b"with the REST key")
    fails("the REST key is not exportable", enums.ResultReason.PERMISSION_DENIED, lambda: c.get(rest_id))

# ---- a second identity sees and uses nothing of alice's ----
with connect("bob") as b:
    fails("bob gets alice's key", enums.ResultReason.ITEM_NOT_FOUND, lambda: b.get(uid))
    fails("bob encrypts with alice's key", enums.ResultReason.ITEM_NOT_FOUND, lambda: b.encrypt(b"x", uid=uid))
    fails("bob reads alice's attributes", enums.ResultReason.ITEM_NOT_FOUND, lambda: b.get_attributes(uid))
    fails("bob revokes alice's key", enums.ResultReason.ITEM_NOT_FOUND,
          lambda: b.revoke(enums.RevocationReasonCode.KEY_COMPROMISE, uid))
    check("bob locates nothing of alice's", b.locate(attributes=[
        b.attribute_factory.create_attribute(enums.AttributeType.NAME, rest_name + "-kmip")]) == [])
    mine = b.create(enums.CryptographicAlgorithm.AES, 256)
    check("bob locates only his own", b.locate() == [mine])

# ---- a certificate whose CN is no user ----
with connect("nobody") as n:
    fails("unknown CN", enums.ResultReason.AUTHENTICATION_NOT_SUCCESSFUL,
          lambda: n.create(enums.CryptographicAlgorithm.AES, 256))

# ---- TLS refusals ----
refused("no client certificate", tls())
refused("a certificate from another CA", tls(cert="stranger"))
refused("TLS 1.1", tls(version=ssl.TLSVersion.TLSv1_1, cert="alice"))
s = tls(version=ssl.TLSVersion.TLSv1_2, cert="alice").wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
check("TLS 1.2 with " + s.cipher()[0], s.version() == "TLSv1.2" and "ECDHE" in s.cipher()[0])
s.close()
print("ALL OK")
