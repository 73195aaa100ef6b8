"""KV v2 through a real Vault client (Debian's python3-hvac) against a Keyward server.

Usage: hvac_kv.py URL ALICE_TOKEN BOB_TOKEN. Prints one line per check; exits non-zero on the first
failure. Run with /usr/bin/python3 (Debian's hvac).
"""
import sys

import hvac
from hvac import exceptions

url, alice_token, bob_token = sys.argv[1:4]
alice = hvac.Client(url=url, token=alice_token)
bob = hvac.Client(url=url, token=bob_token)
kv = alice.secrets.kv.v2


def check(name, cond):
    if not cond:
        print("FAIL " + name)
        sys.exit(1)
    print("ok " + name)


def raises(name, exc, fn):
    try:
        fn()
    except exc as e:
        print("ok " + name + " (" + type(e).__name__ + ": " + str(e).splitlines()[0] + ")")
        return
    except Exception as e:  # noqa: BLE001 - any other error is a failure of this check
        print("FAIL " + name + ": raised " + type(e).__name__ + ": " + str(e))
        sys.exit(1)
    print("FAIL " + name + ": nothing raised")
    sys.exit(1)


# system and auth
check("is_authenticated", alice.is_authenticated())
check("a bad token is not authenticated", not hvac.Client(url=url, token="nope").is_authenticated())
check("lookup_self names the user", "alice" in alice.auth.token.lookup_self()["data"]["display_name"])
health = alice.sys.read_health_status(method="GET")
check("health: initialized and unsealed", health["initialized"] and not health["sealed"])
mounts = alice.sys.list_mounted_secrets_engines()
check("mounts list secret/ as kv v2", mounts["secret/"]["type"] == "kv" and mounts["secret/"]["options"]["version"] == "2")
check("mounts list transit/", mounts["data"]["transit/"]["type"] == "transit")

# write and read, versions, cas
w1 = kv.create_or_update_secret(path="app/db", secret={"user": "app", "password": "s3cret"})
check("first write is version 1", w1["data"]["version"] == 1)
w2 = kv.create_or_update_secret(path="app/db", secret={"user": "app", "password": "n3w"}, cas=1)
check("write with cas=1 is version 2", w2["data"]["version"] == 2)
raises("a stale cas is refused", exceptions.InvalidRequest,
       lambda: kv.create_or_update_secret(path="app/db", secret={"x": "y"}, cas=1))
raises("cas=0 on an existing secret is refused", exceptions.InvalidRequest,
       lambda: kv.create_or_update_secret(path="app/db", secret={"x": "y"}, cas=0))
check("cas=0 creates a new secret", kv.create_or_update_secret(path="app/new", secret={"a": "1"}, cas=0)["data"]["version"] == 1)
latest = kv.read_secret_version(path="app/db")
check("latest read", latest["data"]["data"] == {"user": "app", "password": "n3w"} and latest["data"]["metadata"]["version"] == 2)
check("read version 1", kv.read_secret_version(path="app/db", version=1)["data"]["data"]["password"] == "s3cret")
raises("a version that never was is 404", exceptions.InvalidPath, lambda: kv.read_secret_version(path="app/db", version=7))
raises("a missing secret is 404", exceptions.InvalidPath, lambda: kv.read_secret_version(path="no/such"))

# delete, undelete, destroy
kv.delete_latest_version_of_secret(path="app/db")
raises("the deleted latest version reads as 404", exceptions.InvalidPath, lambda: kv.read_secret_version(path="app/db"))
meta = kv.read_secret_metadata(path="app/db")
check("metadata shows the deletion time", meta["data"]["versions"]["2"]["deletion_time"] != "")
kv.undelete_secret_versions(path="app/db", versions=[2])
check("undelete brings it back", kv.read_secret_version(path="app/db")["data"]["data"]["password"] == "n3w")
kv.delete_secret_versions(path="app/db", versions=[1])
raises("version 1 deleted", exceptions.InvalidPath, lambda: kv.read_secret_version(path="app/db", version=1))
kv.destroy_secret_versions(path="app/db", versions=[1])
meta = kv.read_secret_metadata(path="app/db")["data"]
check("metadata shows version 1 destroyed", meta["versions"]["1"]["destroyed"] is True and meta["current_version"] == 2)
kv.undelete_secret_versions(path="app/db", versions=[1])
raises("a destroyed version stays gone after undelete", exceptions.InvalidPath,
       lambda: kv.read_secret_version(path="app/db", version=1))

# metadata: cas_required, max_versions, list
kv.update_metadata(path="app/db", cas_required=True)
raises("cas_required refuses a write without cas", exceptions.InvalidRequest,
       lambda: kv.create_or_update_secret(path="app/db", secret={"x": "y"}))
check("cas_required takes a write with cas", kv.create_or_update_secret(path="app/db", secret={"x": "3"}, cas=2)["data"]["version"] == 3)
kv.update_metadata(path="app/db", cas_required=False, max_versions=2)
kv.create_or_update_secret(path="app/db", secret={"x": "4"})
meta = kv.read_secret_metadata(path="app/db")["data"]
check("max_versions keeps the last two", meta["oldest_version"] == 3 and sorted(meta["versions"]) == ["3", "4"])
raises("a trimmed version is 404", exceptions.InvalidPath, lambda: kv.read_secret_version(path="app/db", version=2))
kv.create_or_update_secret(path="top", secret={"t": "1"})
check("list the root", kv.list_secrets(path="")["data"]["keys"] == ["app/", "top"])
check("list a folder", kv.list_secrets(path="app")["data"]["keys"] == ["db", "new"])
raises("an empty folder is 404", exceptions.InvalidPath, lambda: kv.list_secrets(path="nothing"))
check("read_configuration", kv.read_configuration()["data"]["max_versions"] == 0)
raises("a non-admin cannot configure the mount", exceptions.Forbidden, lambda: kv.configure(max_versions=5))

# another user can neither read nor write alice's secrets
raises("bob cannot read alice's secret", (exceptions.InvalidPath, exceptions.Forbidden),
       lambda: bob.secrets.kv.v2.read_secret_version(path="app/db"))
raises("bob cannot read its metadata", (exceptions.InvalidPath, exceptions.Forbidden),
       lambda: bob.secrets.kv.v2.read_secret_metadata(path="app/db"))
raises("bob cannot overwrite it", exceptions.Forbidden,
       lambda: bob.secrets.kv.v2.create_or_update_secret(path="app/db", secret={"evil": "1"}))
raises("bob cannot destroy it", (exceptions.InvalidPath, exceptions.Forbidden),
       lambda: bob.secrets.kv.v2.destroy_secret_versions(path="app/db", versions=[4]))
raises("bob lists nothing", exceptions.InvalidPath, lambda: bob.secrets.kv.v2.list_secrets(path=""))
check("alice's secret is intact", kv.read_secret_version(path="app/db")["data"]["data"] == {"x": "4"})

# delete everything, then start again at version 1
kv.delete_metadata_and_all_versions(path="app/db")
raises("after deleting all, the secret is 404", exceptions.InvalidPath, lambda: kv.read_secret_version(path="app/db"))
check("a new write starts at version 1", kv.create_or_update_secret(path="app/db", secret={"again": "1"})["data"]["version"] == 1)

# bad input: Vault's error shape, never a 500
raises("a write without data", exceptions.InvalidRequest,
       lambda: alice.adapter.post("/v1/secret/data/app/bad", json={"nodata": 1}))
raises("an unknown mount", exceptions.InvalidPath, lambda: alice.adapter.get("/v1/nosuchmount/data/x"))
raises("a wrong method", exceptions.UnexpectedError, lambda: alice.adapter.request("patch", "/v1/secret/data/app/db", json={}))
print("ALL OK")
