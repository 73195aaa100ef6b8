package keyward.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import keyward.audit.AuditVerifier;
import keyward.audit.HeadFile;
import keyward.config.Config;
import keyward.crypto.AuditKey;
import keyward.server.Stores;
import keyward.store.AuditCheckpoint;
import keyward.store.Store;

/** {@code keyward verify-audit}: offline check of every node's audit chain, checkpoints and recorded heads. */
final class VerifyAuditCommand implements Cli.Command {
    @Override
    public String usage() {
        return "verify-audit [--audit-heads FILE]   check every node's audit chain and checkpoint signatures\n"
                + "\n  Reads the whole audit log straight from the database and checks, for every node, that its\n"
                + "  entries run seq 1, 2, 3, ... without gaps, that each hash is the entry's keyed hash (keyed with\n"
                + "  audit.key in the data dir) and links to the previous one, that every checkpoint is signed with\n"
                + "  the audit key, links to the one before and matches the chain, and that listings by key or user\n"
                + "  find every entry. The head file (default audit-heads.json in the data dir, or --audit-heads)\n"
                + "  records each node's newest signed checkpoint seen outside the database: the database must\n"
                + "  still hold it; a replication partner that reported losing entries after the head this node\n"
                + "  recorded of it is named too. When all is intact the heads found are recorded there. Exit 0 if all is\n"
                + "  intact, 1 naming the node and the first missing or altered entry.";
    }

    @Override
    public int run(Args args, PrintStream out) {
        String given = args.value("audit-heads");
        Config c = Config.load(args.rest(), System.getenv());
        AuditKey key = AuditKey.load(c.auditKeyFile());
        HeadFile heads = new HeadFile(given != null ? Path.of(given) : c.dataDir().resolve(HeadFile.NAME));
        if (!heads.exists()) {
            if (given != null) {
                throw new CliException("audit head file " + given + " does not exist");
            }
            out.println("warning: no audit head file at " + heads.path() + "; entries removed after each node's"
                    + " newest stored checkpoint cannot be noticed");
        }
        Map<String, AuditCheckpoint> recorded;
        Map<String, HeadFile.PartnerHead> partners;
        try {
            recorded = heads.read();
            partners = heads.partners();
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        try (Store store = Stores.create(c)) {
            store.open();
            AuditVerifier.Result r = AuditVerifier.verify(store, key, recorded, partners, out::println);
            out.println(r.ok() ? r.message() : "audit log broken: " + r.message());
            if (!r.ok()) {
                return 1;
            }
            try {
                int moved = heads.advance(r.newest());
                if (moved > 0) {
                    out.println("recorded the newest checkpoint of " + moved + (moved == 1 ? " node" : " nodes")
                            + " in " + heads.path());
                }
            } catch (IllegalStateException e) {
                out.println("warning: " + e.getMessage());
            }
            return 0;
        }
    }
}
