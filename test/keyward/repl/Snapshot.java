package keyward.repl;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import keyward.server.Node;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/** Everything that must converge on a node, as one comparable string: keys, versions, states, grants, users, tokens. */
final class Snapshot {
    private Snapshot() {
    }

    static String of(Node node) {
        return node.store().replica().orElseThrow().write("testSnapshot", tx -> {
            StringBuilder sb = new StringBuilder();
            for (String id : tx.keyIds()) {
                KeyRecord k = tx.key(id).orElseThrow();
                sb.append("key ").append(k.id()).append(" name=").append(k.name()).append(" state=").append(k.state())
                        .append(" before=").append(k.stateBeforeDestroy()).append(" owner=").append(k.owner())
                        .append(" tags=").append(k.tags()).append(" attrs=").append(new TreeMap<>(k.attributes()))
                        .append(" exportable=").append(k.exportable()).append(" primary=").append(k.primaryVersion())
                        .append(" min=").append(k.minDecryptionVersion()).append(" period=").append(k.autoRotatePeriod());
                Map<String, Object> grants = new TreeMap<>();
                k.grants().forEach((u, ops) -> grants.put(u, new TreeSet<>(ops)));
                sb.append(" grants=").append(grants).append('\n');
                List<KeyVersion> versions = new ArrayList<>(k.versions());
                versions.sort(java.util.Comparator.comparingInt(KeyVersion::version));
                for (KeyVersion v : versions) {
                    sb.append("  v").append(v.version()).append(" kid=").append(v.kid()).append(" kek=").append(v.kekId())
                            .append(v.destroyed() ? " destroyed" : " material=" + HexFormat.of().formatHex(v.wrapped()).hashCode())
                            .append('\n');
                }
            }
            for (UserRecord u : tx.users()) {
                sb.append("user ").append(u.name()).append(" admin=").append(u.admin()).append('\n');
            }
            for (TokenRecord t : tx.tokens()) {
                sb.append("token ").append(t.user()).append('/').append(t.id()).append(' ')
                        .append(HexFormat.of().formatHex(t.hash())).append('\n');
            }
            return sb.toString();
        });
    }
}
