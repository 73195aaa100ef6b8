"""What the PyKMIP scripts beside this file share: a client of the test PKI, and checks that print
one line each ("ok ...") and raise on a failure."""
from kmip.core import enums
from kmip.core import exceptions as core_exceptions
from kmip.pie import client as pie_client
from kmip.pie import exceptions

VERSIONS = {
    "1.0": enums.KMIPVersion.KMIP_1_0, "1.1": enums.KMIPVersion.KMIP_1_1, "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.3": enums.KMIPVersion.KMIP_1_3, "1.4": enums.KMIPVersion.KMIP_1_4, "2.0": enums.KMIPVersion.KMIP_2_0,
}


def client(port, d, who, version):
    """A ProxyKmipClient as `who` (DIR/who.pem, DIR/who.key) speaking `version` (a KMIPVersion)."""
    return pie_client.ProxyKmipClient(
        hostname="127.0.0.1", port=port, cert=d + "/" + who + ".pem", key=d + "/" + who + ".key",
        ca=d + "/ca.pem", config_file="/dev/null", kmip_version=version)


def check(what, cond):
    if not cond:
        raise AssertionError(what)
    print("ok", what)


def fails(what, reason, fn):
    """fn() must fail with the Result Reason `reason` (the attribute operations raise another exception type)."""
    try:
        fn()
    except (exceptions.KmipOperationFailure, core_exceptions.OperationFailure) as e:
        check(what + " -> " + str(e.reason), e.reason == reason)
        return
    raise AssertionError(what + ": no failure")
