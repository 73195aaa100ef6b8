package keyward.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;

/** Key metadata as api.md shows it. Never includes material. */
final class KeyJson {
    private KeyJson() {
    }

    static Map<String, Object> metadata(KeyRecord k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", nullable(k.name()));
        m.put("algorithm", k.algorithm());
        m.put("state", k.state().wire());
        m.put("owner", k.owner());
        m.put("tags", k.tags());
        m.put("attributes", new TreeMap<>(k.attributes()));
        m.put("exportable", k.exportable());
        m.put("primary_version", (long) k.primaryVersion());
        m.put("min_decryption_version", (long) k.minDecryptionVersion());
        m.put("auto_rotate_period", k.autoRotatePeriod());
        List<Object> versions = new ArrayList<>();
        for (KeyVersion v : k.versions()) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("version", (long) v.version());
            vm.put("created_at", time(v.createdAt()));
            versions.add(vm);
        }
        m.put("versions", versions);
        m.put("created_at", time(k.createdAt()));
        m.put("updated_at", time(k.updatedAt()));
        m.put("destroy_at", k.destroyAt() == null ? Json.NULL : time(k.destroyAt()));
        return m;
    }

    static Object nullable(Object o) {
        return o == null ? Json.NULL : o;
    }

    /**
     * {@link Instant#toString()}'s form, written directly for the common case (millisecond
     * precision, years 1970 to 9999: every stored time); anything else goes through toString.
     * Key listings format several times per key, and java.time's formatter was a tenth of them.
     */
    static String time(Instant t) {
        long seconds = t.getEpochSecond();
        int nanos = t.getNano();
        if (seconds < 0 || seconds >= 253_402_300_800L || nanos % 1_000_000 != 0) {
            return t.toString();
        }
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) (seconds - days * 86_400);
        // civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian)
        long z = days + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        char[] out = new char[nanos == 0 ? 20 : 24];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        if (nanos != 0) {
            out[19] = '.';
            digits(out, 20, nanos / 1_000_000, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static String b64(byte[] b) {
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    static Map<String, Object> output(keyward.core.CryptoService.Output o, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(field, o.value());
        m.put("version", (long) o.version());
        return m;
    }
}
