package keyward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import keyward.SourceGraph.SourceFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on every file under src/: arrows point one
 * way (no package cycle), replication talks to the store through its contract rather than the SQL
 * implementation, and only the crypto package touches the JCA's cipher and MAC classes.
 */
class ArchitectureTest {
    private static List<SourceFile> sources;

    @BeforeAll
    static void readSources() {
        Path src = Path.of("src");
        assertTrue(Files.isDirectory(src.resolve("keyward")), "run from the repository root: no src/keyward here");
        sources = SourceGraph.read(src);
        assertTrue(sources.size() > 100, "found only " + sources.size() + " source files");
    }

    @Test
    void packages_importNoPackageThatImportsThemBack() {
        List<String> cycles = SourceGraph.cycles(SourceGraph.packageGraph(sources, "keyward"));
        assertEquals(List.of(), cycles, "package cycles (each step names a file that makes it)");
    }

    @Test
    void repl_doesNotImportTheSqlStore() {
        List<String> offenders = sources.stream()
                .filter(f -> inPackage(f.pkg(), "keyward.repl"))
                .filter(f -> f.refs().stream().anyMatch(r -> inPackage(r, "keyward.store.sql")))
                .map(SourceFile::path).toList();
        assertEquals(List.of(), offenders, "keyward.repl files that use keyward.store.sql");
    }

    @Test
    void onlyCrypto_usesJavaxCrypto() {
        List<String> offenders = sources.stream()
                .filter(f -> !inPackage(f.pkg(), "keyward.crypto"))
                .filter(f -> f.refs().stream().anyMatch(r -> inPackage(r, "javax.crypto")))
                .map(SourceFile::path).toList();
        assertEquals(List.of(), offenders, "files outside keyward.crypto that use javax.crypto (Cipher, Mac, ...)");
    }

    // ---- the reader and the cycle search themselves, on sources written here ----

    @Test
    void sourceGraph_readsImportsAndQualifiedNames_butNotCommentsOrStrings() {
        SourceFile f = SourceGraph.parse("a/B.java", """
                package keyward.a;

                import java.util.List;
                import static keyward.b.Util.helper;
                import keyward.c.*;
                /** See {@link keyward.d.Doc}. */
                class B {
                    keyward.e.Thing t; // keyward.f.Comment
                    String s = "keyward.g.Text";
                    char q = '"';
                    Object o = javax.crypto.Cipher.class;
                }
                """);
        assertEquals("keyward.a", f.pkg());
        assertEquals(java.util.Set.of("java.util", "keyward.b", "keyward.c", "keyward.e", "javax.crypto"), f.refs());
    }

    @Test
    void cycles_nameEachStepAndTheFileThatMakesIt() {
        Map<String, Map<String, String>> graph = Map.of(
                "keyward.a", Map.of("keyward.b", "a/A.java"),
                "keyward.b", Map.of("keyward.c", "b/B.java"),
                "keyward.c", Map.of("keyward.a", "c/C.java"),
                "keyward.d", Map.of("keyward.a", "d/D.java"));
        assertEquals(List.of("keyward.a -> keyward.b (a/A.java) -> keyward.c (b/B.java) -> keyward.a (c/C.java)"),
                SourceGraph.cycles(new java.util.TreeMap<>(graph)));
        assertEquals(List.of(), SourceGraph.cycles(Map.of("keyward.d", Map.of("keyward.a", "d/D.java"))));
    }

    /** Whether {@code pkg} is {@code root} or one of its sub-packages. */
    private static boolean inPackage(String pkg, String root) {
        return pkg.equals(root) || pkg.startsWith(root + ".");
    }
}
