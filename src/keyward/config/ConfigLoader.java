package keyward.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gathers settings from flags, environment and file, converts and range-checks them, then
 * hands the result to {@link ConfigRules} for the cross-setting checks. One instance per load.
 */
final class ConfigLoader {

    static final int MAX_FILE_BYTES = 1 << 20;
    private static final Set<String> ENV_NOT_SETTINGS = Set.of("KEYWARD_CONFIG", "KEYWARD_JAVA_OPTS");

    /** A value as given (String from flags/env, typed from TOML) and where it came from. */
    record Given(Object value, String source, boolean text) {
    }

    private final Map<Setting, Given> fromFlags = new EnumMap<>(Setting.class);
    private final Map<Setting, Given> fromEnv = new EnumMap<>(Setting.class);
    private final Map<Setting, Given> fromFile = new EnumMap<>(Setting.class);
    private final List<String> warnings = new ArrayList<>();
    private String configFlag;
    private Config.Replication replication;

    private ConfigLoader() {
    }

    static Config load(List<String> args, Map<String, String> env) {
        ConfigLoader loader = new ConfigLoader();
        loader.readFlags(args);
        String envConfig = loader.readEnv(env);
        String file = loader.configFlag != null ? loader.configFlag : envConfig;
        if (file != null && !file.isEmpty()) {
            loader.readFile(file);
        }
        Map<Setting, Given> given = new EnumMap<>(loader.fromFile);
        given.putAll(loader.fromEnv);
        given.putAll(loader.fromFlags);
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            Given g = given.get(s);
            values.put(s, g == null ? s.dflt : SettingValues.convert(s, g));
        }
        return ConfigRules.check(values, given, loader.replication, loader.warnings);
    }

    private void readFlags(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("config: unexpected argument #" + (i + 1)
                        + "; settings are given as --name=value or --name value");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Setting s = Setting.byFlag(name);
            if (s == null && !name.equals("--config")) {
                throw new ConfigException("config: unknown flag " + ConfigText.printable(name));
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("config: flag " + name + " needs a value");
            }
            if (s == null) {
                if (configFlag != null) {
                    throw new ConfigException("config: flag --config given twice");
                }
                configFlag = value;
                continue;
            }
            if (fromFlags.put(s, new Given(value, "flag " + name, true)) != null) {
                throw new ConfigException("config: flag " + name + " given twice");
            }
            if (s.type == Setting.Type.SECRET) {
                warnings.add("'" + s.key + "' was given as a flag, so other users of this machine can read it"
                        + " with ps; prefer " + s.flag() + "-file");
            }
        }
    }

    /** Collects KEYWARD_* variables; returns KEYWARD_CONFIG. Empty variables count as unset. */
    private String readEnv(Map<String, String> env) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("KEYWARD_") || ENV_NOT_SETTINGS.contains(name)) {
                continue;
            }
            Setting s = Setting.byEnv(name);
            if (s == null) {
                throw new ConfigException("config: unknown environment variable " + ConfigText.printable(name));
            }
            if (!e.getValue().isEmpty()) {
                fromEnv.put(s, new Given(e.getValue(), "environment " + name, true));
            }
        }
        return env.get("KEYWARD_CONFIG");
    }

    private void readFile(String name) {
        String where = "file " + name;
        Toml.Document doc = Toml.parse(readText(name, where), where);
        for (Map.Entry<String, Object> e : doc.root().entrySet()) {
            String key = e.getKey();
            int line = doc.line(List.of(key));
            String source = where + " line " + line;
            if (key.equals("replication")) {
                replication = ReplicationSection.parse(e.getValue(), doc, where);
                continue;
            }
            Setting s = Setting.byKey(key);
            if (s == null) {
                throw new ConfigException("config: unknown key " + ConfigText.printable(key) + " (" + source + ")");
            }
            fromFile.put(s, new Given(e.getValue(), source, false));
        }
    }

    /** The file as strict UTF-8, refusing anything over {@link #MAX_FILE_BYTES}. */
    private static String readText(String name, String where) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(Path.of(name))) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config: " + where + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config: cannot read " + where + ": " + keyward.log.Log.reason(e));
        } catch (InvalidPathException e) {
            throw new ConfigException("config: cannot read " + where + ": not a valid path");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException("config: " + where + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("config: " + where + " is not valid UTF-8");
        }
    }
}
