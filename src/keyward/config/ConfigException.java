package keyward.config;

/**
 * The configuration cannot be used. The message names the key and where its value came from
 * (flag, environment variable, file and line, or default) and what is allowed; it never
 * contains the value of a secret.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
