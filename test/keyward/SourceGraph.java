package keyward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each Java file under a source tree refers to, read from the text: its package, and the
 * packages of every qualified name in its imports and code ({@code keyward.store.sql.SqlStore}
 * gives {@code keyward.store.sql}). Comments and string literals are blanked first, so a javadoc
 * {@code @link} or a message naming a class is no dependency. Packages are the lower-case
 * segments before the first upper-case one, as the code base spells them.
 */
final class SourceGraph {

    /** One file: its path relative to the tree, its package, and the packages it refers to. */
    record SourceFile(String path, String pkg, Set<String> refs) {
    }

    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    /** A qualified name not itself after a dot: the lower-case segments, then a type. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:[a-z][a-z0-9_]*\\.)+)[A-Z]");
    private static final Pattern WILDCARD = Pattern.compile("\\bimport\\s+([a-z][\\w.]*)\\.\\*\\s*;");

    private SourceGraph() {
    }

    static List<SourceFile> read(Path root) {
        List<SourceFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                files.add(parse(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static SourceFile parse(String path, String source) {
        String code = blankCommentsAndStrings(source);
        Matcher pm = PACKAGE.matcher(code);
        String pkg = pm.find() ? pm.group(1) : "";
        Set<String> refs = new TreeSet<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            refs.add(m.group(1).substring(0, m.group(1).length() - 1));
        }
        Matcher w = WILDCARD.matcher(code);
        while (w.find()) {
            refs.add(w.group(1));
        }
        return new SourceFile(path, pkg, refs);
    }

    /** The package graph over packages starting with {@code prefix}: package -> package it refers to -> one file that does. */
    static Map<String, Map<String, String>> packageGraph(List<SourceFile> files, String prefix) {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (SourceFile f : files) {
            Map<String, String> out = graph.computeIfAbsent(f.pkg(), k -> new TreeMap<>());
            for (String r : f.refs()) {
                if (r.startsWith(prefix) && !r.equals(f.pkg())) {
                    out.putIfAbsent(r, f.path());
                }
            }
        }
        return graph;
    }

    /**
     * One shortest cycle through each strongly connected group of packages, as a path that starts
     * and ends at the same package, each step followed by the file that makes it.
     */
    static List<String> cycles(Map<String, Map<String, String>> graph) {
        List<String> found = new ArrayList<>();
        Set<String> covered = new LinkedHashSet<>();
        for (String start : graph.keySet()) {
            if (covered.contains(start)) {
                continue;
            }
            List<String> cycle = shortestCycle(graph, start);
            if (cycle != null) {
                covered.addAll(cycle);
                StringBuilder sb = new StringBuilder(cycle.get(0));
                for (int i = 1; i < cycle.size(); i++) {
                    sb.append(" -> ").append(cycle.get(i))
                            .append(" (").append(graph.get(cycle.get(i - 1)).get(cycle.get(i))).append(')');
                }
                found.add(sb.toString());
            }
        }
        return found;
    }

    /** Breadth-first from {@code start} back to it; null when no path returns. */
    private static List<String> shortestCycle(Map<String, Map<String, String>> graph, String start) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (String next : graph.getOrDefault(at, Map.of()).keySet()) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = at; !p.equals(start); p = parent.get(p)) {
                        path.add(1, p);
                    }
                    path.add(start);
                    return path;
                }
                if (!parent.containsKey(next)) {
                    parent.put(next, at);
                    queue.add(next);
                }
            }
        }
        return null;
    }

    /** The source with comments, string, text-block and char literals replaced by spaces (lines kept). */
    static String blankCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int end;
            if (s.startsWith("//", i)) {
                end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                end = closing(s, i + 3, "\"\"\"");
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                end = closing(s, i + 1, String.valueOf(s.charAt(i)));
            } else {
                out.append(s.charAt(i++));
                continue;
            }
            for (; i < end; i++) {
                out.append(s.charAt(i) == '\n' ? '\n' : ' ');
            }
        }
        return out.toString();
    }

    /** The index after the closing {@code quote}, skipping backslash escapes. */
    private static int closing(String s, int from, String quote) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.startsWith(quote, i)) {
                return i + quote.length();
            }
        }
        return s.length();
    }
}
