"""What the PyKMIP test scripts share: a client for one identity of the test PKI, and checks that
print one line each and raise on failure (the Java side reads "ALL OK" at the end)."""
from kmip.core import enums
from kmip.pie import client as pie_client
from kmip.pie import exceptions

VERSIONS = {
    "1.0": enums.KMIPVersion.KMIP_1_0, "1.1": enums.KMIPVersion.KMIP_1_1, "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.3": enums.KMIPVersion.KMIP_1_3, "1.4": enums.KMIPVersion.KMIP_1_4, "2.0": enums.KMIPVersion.KMIP_2_0,
}


def connect(port, d, who, version):
    """A ProxyKmipClient for WHO (its .pem and .key in folder D) on PORT, speaking VERSION."""
    return pie_client.ProxyKmipClient(
        hostname="127.0.0.1", port=port, cert=d + "/" + who + ".pem", key=d + "/" + who + ".key",
        ca=d + "/ca.pem", config_file="/dev/null", kmip_version=version)


def check(what, cond):
    if not cond:
        raise AssertionError(what)
    print("ok", what)


def fails(what, reason, fn):
    """FN must fail with the result reason REASON."""
    try:
        fn()
    except exceptions.KmipOperationFailure as e:
        check(what + " -> " + str(e.reason), e.reason == reason)
        return
    raise AssertionError(what + ": no failure")
