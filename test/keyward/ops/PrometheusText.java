package keyward.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: every line
 * is a HELP, a TYPE or a sample of a declared family; histograms have cumulative buckets ending in
 * {@code le="+Inf"} equal to their {@code _count}. Anything else throws {@link IllegalArgumentException}.
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                p.line(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + n + " '" + line + "': " + e.getMessage());
            }
        }
        p.checkHistograms();
        return p;
    }

    /** The samples of {@code name} whose labels include all of {@code labels}. */
    List<Sample> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    private void line(String line) {
        Matcher m;
        if ((m = HELP.matcher(line)).matches()) {
            return;
        }
        if ((m = TYPE.matcher(line)).matches()) {
            String family = m.group(1);
            if (samples.stream().anyMatch(s -> s.name.equals(family) || s.name.equals(family + "_bucket")
                    || s.name.equals(family + "_sum") || s.name.equals(family + "_count"))) {
                throw new IllegalArgumentException("TYPE after samples of " + family);
            }
            if (types.put(family, m.group(2)) != null) {
                throw new IllegalArgumentException("second TYPE for " + family);
            }
            return;
        }
        if (line.startsWith("#")) {
            return; // a comment
        }
        if (!(m = SAMPLE.matcher(line)).matches()) {
            throw new IllegalArgumentException("not a sample line");
        }
        String name = m.group(1);
        if (!types.containsKey(family(name))) {
            throw new IllegalArgumentException("sample of undeclared family " + family(name));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null && !m.group(3).isEmpty()) {
            Matcher l = LABEL.matcher(m.group(3));
            int at = 0;
            while (l.find() && l.start() == at) {
                labels.put(l.group(1), l.group(2));
                at = l.end();
            }
            if (at != m.group(3).length()) {
                throw new IllegalArgumentException("bad labels");
            }
        }
        samples.add(new Sample(name, labels, value(m.group(4))));
    }

    private String family(String name) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
            if (base != null && "histogram".equals(types.get(base))) {
                return base;
            }
        }
        return name;
    }

    private static double value(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** Per histogram and label set: buckets in ascending le, counts not decreasing, +Inf last and equal to _count. */
    private void checkHistograms() {
        for (Map.Entry<String, String> t : types.entrySet()) {
            if (!t.getValue().equals("histogram")) {
                continue;
            }
            Map<Map<String, String>, List<Sample>> series = new LinkedHashMap<>();
            for (Sample s : samples) {
                if (s.name.equals(t.getKey() + "_bucket")) {
                    Map<String, String> rest = new LinkedHashMap<>(s.labels);
                    if (rest.remove("le") == null) {
                        throw new IllegalArgumentException(s.name + " without le");
                    }
                    series.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
                }
            }
            series.forEach((labels, buckets) -> {
                double le = Double.NEGATIVE_INFINITY;
                double count = 0;
                for (Sample b : buckets) {
                    double bound = value(b.labels.get("le"));
                    if (bound <= le || b.value < count) {
                        throw new IllegalArgumentException(t.getKey() + labels + ": buckets not cumulative at le=" + bound);
                    }
                    le = bound;
                    count = b.value;
                }
                if (le != Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(t.getKey() + labels + ": last bucket is not le=\"+Inf\"");
                }
                List<Sample> total = find(t.getKey() + "_count", labels);
                if (total.size() != 1 || total.get(0).value != count) {
                    throw new IllegalArgumentException(t.getKey() + labels + ": _count differs from the +Inf bucket");
                }
            });
        }
    }
}
