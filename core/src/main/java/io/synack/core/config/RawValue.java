package io.synack.core.config;

/**
 * One value as a layer supplied it, before validation.
 *
 * @param key the key as written (for environment variables, the variable's name)
 * @param text the value as written; null when the source gave the key no value
 * @param source where it came from
 */
record RawValue(String key, String text, ValueSource source) {

    /** {@code key = "text" (from source)}: the start of every problem about this value. */
    String describe() {
        return key + " = " + (text == null ? "(no value)" : "\"" + text + "\"") + " (from " + source + ")";
    }
}
