package keyward.vault;

import keyward.core.Core;
import keyward.core.ErrorCode;
import keyward.core.KwException;

/** Vault's Transit engine on Keyward keys (docs/vault.md). */
final class TransitEngine {
    private final Core core;

    TransitEngine(Core core) {
        this.core = core;
    }

    VaultReply handle(VaultRequest r, String mount) {
        if (core == null || mount.isEmpty()) {
            throw new IllegalStateException();
        }
        throw new KwException(ErrorCode.METHOD_NOT_ALLOWED, "Transit is not served yet");
    }
}
