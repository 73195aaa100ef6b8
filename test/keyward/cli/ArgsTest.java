package keyward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A command's own flags come out of the argument list; the configuration flags stay for the loader. */
class ArgsTest {

    @Test
    void value_takesBothSpellings_andLeavesTheRest() {
        Args a = new Args(List.of("--in", "a.kwbackup", "--data-dir=/d", "--out=b", "--force"));
        assertEquals("a.kwbackup", a.value("in"));
        assertEquals("b", a.value("out"));
        assertTrue(a.flag("force"));
        assertFalse(a.flag("force"), "a flag is taken once");
        assertEquals(List.of("--data-dir=/d"), a.rest());
    }

    @Test
    void value_absent_isNull_andAFlagWithoutItsValue_isAUsageError() {
        assertNull(new Args(List.of("--data-dir=/d")).value("in"));
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> new Args(List.of("--in")).value("in"));
        assertEquals("--in needs a value", e.getMessage());
    }

    @Test
    void value_doesNotMatchALongerFlagWithTheSamePrefix() {
        Args a = new Args(List.of("--input=x"));
        assertNull(a.value("in"));
        assertEquals(List.of("--input=x"), a.rest());
    }

    @Test
    void positional_skipsFlagValues() {
        Args a = new Args(List.of("--data-dir", "/d", "bob", "--admin"));
        assertEquals("bob", a.positional());
        assertNull(a.positional());
        assertEquals(List.of("--data-dir", "/d", "--admin"), a.rest());
    }

    @Test
    void number_inRange_absent_andEveryKindOfBadValue() {
        assertEquals(250, new Args(List.of("--switch-wait-ms=250")).number("switch-wait-ms", 3000, 0, 600_000));
        assertEquals(3000, new Args(List.of()).number("switch-wait-ms", 3000, 0, 600_000));
        assertEquals(0, new Args(List.of("--n", "0")).number("n", 5, 0, 10));
        assertEquals(10, new Args(List.of("--n", "10")).number("n", 5, 0, 10));
        for (String bad : List.of("abc", "-5", "", "11", "+3", "1e3", "٣", "99999999999999999999", " 4")) {
            Args.UsageException e = assertThrows(Args.UsageException.class,
                    () -> new Args(List.of("--n=" + bad)).number("n", 5, 0, 10), bad);
            assertEquals("--n must be an integer 0..10, not '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void sentences_joinTheCauseChainWithoutClassNames() {
        Exception e = new IllegalStateException("outer failed", new java.io.IOException("disk full"));
        assertEquals("outer failed: disk full", Cli.sentences(e));
        assertEquals("no details", Cli.sentences(new NullPointerException()));
        Exception repeated = new RuntimeException("same", new RuntimeException("same"));
        assertEquals("same", Cli.sentences(repeated), "a message repeated by a wrapper is said once");
    }

    @Test
    void unknownCommand_isExitCode2WithTheHelp_andHelpIsExitCode0() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Cli.run(new String[] {"frobnicate"}, new java.io.PrintStream(out), new java.io.PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown command 'frobnicate'"), err.toString());
        assertTrue(err.toString().contains("rotate-kek"), "the help lists the commands");
        assertEquals(0, Cli.run(new String[] {"server", "--help"}, new java.io.PrintStream(out), new java.io.PrintStream(err)));
        assertTrue(out.toString().contains("--trusted-proxies"), "server --help lists every flag");
    }
}
