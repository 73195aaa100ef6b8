package keyward.bench;

import java.util.Arrays;

/**
 * The Java side of {@code make bench}; {@code bench/run.sh} calls one command per step:
 * <ul>
 *   <li>{@code ceiling --port=N [--aes]}: the bare com.sun.net.httpserver server ({@link Ceiling});</li>
 *   <li>{@code fill --keys=N <keyward flags>}: many keys through the core ({@link Fill});</li>
 *   <li>{@code measure ... -- <server command>}: one server under load ({@link Measure});</li>
 *   <li>{@code kmip ... -- <server command>}: the KMIP scenarios, over TLS ({@link KmipBench});</li>
 *   <li>{@code report RESULTS.jsonl OUT.json}: the table, the ratios and the JSON ({@link Report});</li>
 *   <li>{@code audit-append [--batch=N] [--keys=N,M]}: the SQLite store's cost per audit entry ({@link AuditAppend},
 *       {@code make bench-audit});</li>
 *   <li>{@code scale-probe ... -- <server command>}: the request path with many keys ({@link ScaleProbe},
 *       {@code make bench-scale});</li>
 *   <li>{@code free-port}: prints a TCP port free a moment ago (bench/scale.sh).</li>
 * </ul>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Bench ceiling|fill|measure|kmip|report|audit-append|scale-probe|free-port ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ceiling" -> Ceiling.main(rest);
            case "fill" -> Fill.main(rest);
            case "measure" -> Measure.main(rest);
            case "kmip" -> KmipBench.main(rest);
            case "report" -> Report.main(rest);
            case "audit-append" -> AuditAppend.main(rest);
            case "scale-probe" -> ScaleProbe.main(rest);
            case "free-port" -> {
                try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                    System.out.println(probe.getLocalPort());
                }
            }
            default -> {
                System.err.println("Bench: unknown command '" + args[0] + "'");
                System.exit(2);
            }
        }
    }
}
