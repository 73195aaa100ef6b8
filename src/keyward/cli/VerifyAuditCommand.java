package keyward.cli;

import java.io.PrintStream;
import keyward.audit.AuditVerifier;
import keyward.config.Config;
import keyward.crypto.AuditKey;
import keyward.server.Stores;
import keyward.store.Store;

/** {@code keyward verify-audit}: offline check of every node's audit chain and checkpoint signatures. */
final class VerifyAuditCommand implements Cli.Command {
    @Override
    public String usage() {
        return "verify-audit   check every node's audit chain and checkpoint signatures\n"
                + "\n  Reads the whole audit log straight from the database and checks, for every node, that its\n"
                + "  entries run seq 1, 2, 3, ... without gaps, that each hash matches the entry and links to the\n"
                + "  previous one, and that every checkpoint is signed with the audit key (audit.key in the data\n"
                + "  dir) and matches the chain. Exit 0 if all is intact, 1 naming the first broken entry.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        Config c = Config.load(args.rest(), System.getenv());
        byte[] publicKey = AuditKey.load(c.auditKeyFile()).publicKey();
        try (Store store = Stores.create(c)) {
            store.open();
            AuditVerifier.Result r = AuditVerifier.verify(store, publicKey, out::println);
            out.println(r.ok() ? r.message() : "audit log broken: " + r.message());
            return r.ok() ? 0 : 1;
        }
    }
}
