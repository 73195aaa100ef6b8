package keyward.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell blocks of one markdown file, in order, as one bash script.
 *
 * <p>Every block fenced {@code ```sh} or {@code ```bash} runs, unless the line before its fence
 * (blank lines aside) is {@code <!-- not-run: REASON -->} with a reason. Other fences (ini, yaml,
 * json, plain) are not shell and are left alone. Before each block the script records its number,
 * and an EXIT trap prints the exit status with the block it stopped in, so that a failure names its
 * block. Stopping what the blocks left running is {@link DocRun}'s job.
 */
final class DocScript {
    /** One fenced shell block; {@code reason} is null when it runs. */
    record Block(int number, int line, String text, String reason) {
        boolean runs() {
            return reason == null;
        }
    }

    static final String FAILED_MARK = "docs-test: exit ";
    private static final String BLOCK_MARK = "----- block ";
    private static final String NOT_RUN = "<!-- not-run:";

    final Path doc;
    final List<Block> blocks;

    private DocScript(Path doc, List<Block> blocks) {
        this.doc = doc;
        this.blocks = blocks;
    }

    /** Parses {@code doc}; a not-run marker without a reason, or an unclosed fence, is an error. */
    static DocScript of(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Block> blocks = new ArrayList<>();
        String pendingReason = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(NOT_RUN)) {
                if (!l.endsWith("-->") || l.substring(NOT_RUN.length(), l.length() - 3).isBlank()) {
                    throw new IllegalArgumentException(doc + ":" + (i + 1) + ": a not-run marker needs a reason");
                }
                pendingReason = l.substring(NOT_RUN.length(), l.length() - 3).strip();
                continue;
            }
            if (l.startsWith("```")) {
                String lang = l.substring(3).strip();
                int start = i;
                StringBuilder text = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    text.append(lines.get(i)).append('\n');
                }
                if (i == lines.size()) {
                    throw new IllegalArgumentException(doc + ":" + (start + 1) + ": unclosed fence");
                }
                if (lang.equals("sh") || lang.equals("bash")) {
                    blocks.add(new Block(blocks.size() + 1, start + 1, text.toString(), pendingReason));
                } else if (pendingReason != null) {
                    throw new IllegalArgumentException(doc + ":" + (start + 1) + ": not-run marker before a " + lang + " block");
                }
                pendingReason = null;
                continue;
            }
            if (!l.isEmpty()) {
                pendingReason = null;
            }
        }
        return new DocScript(doc, blocks);
    }

    List<Block> runnable() {
        return blocks.stream().filter(Block::runs).toList();
    }

    /** The bash script: strict mode, the exit trap, then every runnable block after its number. */
    String script() {
        StringBuilder s = new StringBuilder();
        s.append("set -euo pipefail\n");
        s.append("__docs_block=0\n");
        s.append("trap 'echo \"" + FAILED_MARK + "$? in block $__docs_block\"' EXIT\n");
        for (Block b : runnable()) {
            s.append("__docs_block=").append(b.number()).append('\n');
            s.append("echo '" + BLOCK_MARK).append(b.number()).append(" (").append(doc).append(':').append(b.line())
                    .append(") -----'\n");
            s.append(b.text());
        }
        s.append("__docs_block=end\n");
        return s.toString();
    }

    /** The block whose marker comes last in {@code output} before {@code index}, if any. */
    Block blockBefore(String output, int index) {
        int at = output.lastIndexOf(BLOCK_MARK, index);
        if (at < 0) {
            return null;
        }
        String n = output.substring(at + BLOCK_MARK.length()).split(" ", 2)[0];
        return blocks.stream().filter(b -> String.valueOf(b.number()).equals(n)).findFirst().orElse(null);
    }

    /** The block the script's output names as the one it stopped in, if any. */
    Block failedBlock(String output) {
        int at = output.lastIndexOf(FAILED_MARK);
        if (at < 0) {
            return null;
        }
        String rest = output.substring(at).lines().findFirst().orElse("");
        String n = rest.substring(rest.lastIndexOf(' ') + 1);
        return blocks.stream().filter(b -> String.valueOf(b.number()).equals(n)).findFirst().orElse(null);
    }
}
