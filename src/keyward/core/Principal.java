package keyward.core;

/** An authenticated caller. */
public record Principal(String user, boolean admin) {
}
