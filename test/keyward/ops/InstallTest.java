package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import keyward.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code make install} and {@code make dist} on the built tree, and the installed systemd unit
 * checked by {@code systemd-analyze verify}. A missing tool fails under CI=true and is skipped
 * with one loud line elsewhere, like the database tests.
 */
class InstallTest {
    private static final Path UNIT = Path.of("usr/lib/systemd/system/keyward.service");

    private Path tmp;

    @BeforeEach
    void needsTheBuild() throws IOException {
        require("build/keyward.jar", Files.isRegularFile(Path.of("build/keyward.jar")), "make build");
        require("make", onPath("make"), "apt-get install make");
        tmp = Fixture.tempDir();
    }

    @AfterEach
    void cleanUp() {
        TestNode.deleteTree(tmp);
    }

    @Test
    void makeInstall_putsEveryFileInPlace_andNeverOverwritesTheConfiguration() throws Exception {
        Path root = tmp.resolve("root");
        run(tmp, "make", "-s", "install", "DESTDIR=" + root);
        assertTrue(Files.isExecutable(root.resolve("usr/bin/keyward")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/keyward/keyward.jar")));
        assertEquals(names(Path.of("lib"), ".jar"), names(root.resolve("usr/share/keyward/lib"), ".jar"),
                "runtime jars, and only those");
        assertTrue(Files.isRegularFile(root.resolve(UNIT)));
        assertTrue(Files.isRegularFile(root.resolve("usr/lib/sysusers.d/keyward.conf")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/keyward/operations.md")));
        Path config = root.resolve("etc/keyward/keyward.toml");
        assertEquals(Files.readString(Path.of("conf/keyward.toml")), Files.readString(config));

        Files.writeString(config, "port = 1234\n");
        run(tmp, "make", "-s", "install", "DESTDIR=" + root);
        assertEquals("port = 1234\n", Files.readString(config), "make install overwrote the operator's configuration");
        assertTrue(Files.isRegularFile(root.resolve("etc/keyward/keyward.toml.dist")));
    }

    @Test
    void installedUnit_passesSystemdAnalyzeVerify_andCarriesEveryHardeningLine() throws Exception {
        Path root = tmp.resolve("root");
        run(tmp, "make", "-s", "install", "DESTDIR=" + root);
        String unit = Files.readString(root.resolve(UNIT));
        for (String line : List.of("User=keyward", "Group=keyward",
                "ExecStart=/usr/bin/keyward server --config /etc/keyward/keyward.toml --data-dir /var/lib/keyward",
                "StateDirectory=keyward", "StateDirectoryMode=0700", "ConfigurationDirectory=keyward", "UMask=0077",
                "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "NoNewPrivileges=yes",
                "CapabilityBoundingSet=", "AmbientCapabilities=", "LimitCORE=0", "ProtectKernelTunables=yes",
                "ProtectKernelModules=yes", "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "ProtectClock=yes",
                "ProtectHostname=yes", "RestrictNamespaces=yes", "RestrictRealtime=yes", "RestrictSUIDSGID=yes",
                "LockPersonality=yes", "MemoryDenyWriteExecute=no", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                "SystemCallArchitectures=native", "SystemCallFilter=@system-service", "Restart=on-failure",
                "KillSignal=SIGTERM", "TimeoutStopSec=30", "SuccessExitStatus=143")) {
            assertTrue(unit.lines().anyMatch(line::equals), "the unit lacks the line " + line);
        }

        Path analyze = tool("systemd-analyze");
        require("systemd-analyze", analyze != null, "apt-get install systemd");
        // verify needs ExecStart to exist, and --root needs a whole OS tree: check a copy that runs the staged launcher
        Path copy = tmp.resolve("keyward.service");
        Files.writeString(copy, unit.replace("ExecStart=/usr/bin/keyward", "ExecStart=" + root.resolve("usr/bin/keyward")));
        String out = run(tmp, analyze.toString(), "verify", copy.toString());
        assertEquals("", out.strip(), "systemd-analyze verify found problems");

        Path sysusers = tool("systemd-sysusers");
        if (sysusers != null) {
            Files.createDirectories(tmp.resolve("sysroot/etc"));
            String made = run(tmp, sysusers.toString(), "--dry-run", "--root=" + tmp.resolve("sysroot"),
                    root.resolve("usr/lib/sysusers.d/keyward.conf").toString());
            assertTrue(made.contains("Creating user 'keyward'"), made);
        }
    }

    @Test
    void makeDist_packsTheInstalledTree_withChecksumsThatVerify() throws Exception {
        Path dist = tmp.resolve("dist");
        run(tmp, "make", "-s", "dist", "DISTDIR=" + dist);
        String version = Files.readString(Path.of("VERSION")).strip();
        String tarball = "keyward-" + version + ".tar.gz";
        assertTrue(Files.isRegularFile(dist.resolve(tarball)));
        assertTrue(run(dist, "sha256sum", "-c", "SHA256SUMS").contains(tarball + ": OK"));

        Path unpacked = tmp.resolve("unpacked");
        Files.createDirectories(unpacked);
        run(tmp, "tar", "-xzf", dist.resolve(tarball).toString(), "-C", unpacked.toString());
        Path top = unpacked.resolve("keyward-" + version);
        for (String f : List.of("usr/bin/keyward", "usr/share/keyward/keyward.jar", UNIT.toString(),
                "usr/lib/sysusers.d/keyward.conf", "etc/keyward/keyward.toml", "SHA256SUMS")) {
            assertTrue(Files.isRegularFile(top.resolve(f)), f + " missing from " + tarball);
        }
        String checked = run(top, "sha256sum", "-c", "SHA256SUMS");
        assertTrue(checked.contains("usr/share/keyward/keyward.jar: OK"), checked);
        assertTrue(checked.lines().noneMatch(l -> !l.endsWith(": OK")), checked);
    }

    /** Runs a command in {@code dir} (60 s at most), insisting on exit 0; returns stdout and stderr. */
    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(Arrays.asList(cmd));
        if (command.get(0).equals("make")) {
            command.add(1, "-C");
            command.add(2, Path.of("").toAbsolutePath().toString());
        }
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail(String.join(" ", cmd) + " did not finish within 60 s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    private static TreeSet<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static Path tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean onPath(String name) {
        return tool(name) != null;
    }

    /** Fails under CI=true, else skips with one loud line, when {@code what} is missing. */
    private static void require(String what, boolean present, String fix) {
        keyward.store.TestDatabases.require(what + " (" + fix + ")", present);
    }
}
