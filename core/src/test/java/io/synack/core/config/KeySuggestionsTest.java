package io.synack.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeySuggestionsTest {

    static final List<String> KEYS = List.of("synack.tcp.msl", "synack.tcp.rto.initial", "synack.transport",
            "synack.loopback.loss", "synack.rawsocket.protocol");

    @ParameterizedTest
    @CsvSource({
        "synack.tcp.mls, synack.tcp.msl",
        "synack.tcp.rto.inital, synack.tcp.rto.initial",
        "synack.transprot, synack.transport",
        "synack.loopbak.loss, synack.loopback.loss",
        "synack.loss, synack.loopback.loss"})
    void typosAndMisplacedNamesAreSuggested(String typo, String meant) {
        assertEquals(Optional.of(meant), KeySuggestions.closest(typo, KEYS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"synack.color", "synack.x", "synack.engine.threads"})
    void unrelatedKeysGetNoSuggestion(String key) {
        assertEquals(Optional.empty(), KeySuggestions.closest(key, KEYS));
    }

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, abc, 0", "flaw, lawn, 2"})
    void editDistanceKnownValues(String a, String b, int distance) {
        assertEquals(distance, KeySuggestions.editDistance(a, b));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void editDistanceIsSymmetricAndBoundedByTheLongerLength(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            String a = randomWord(random);
            String b = randomWord(random);
            int d = KeySuggestions.editDistance(a, b);
            assertEquals(d, KeySuggestions.editDistance(b, a), a + " / " + b);
            assertEquals(true, d <= Math.max(a.length(), b.length()) && d >= Math.abs(a.length() - b.length()),
                    a + " / " + b + " seed " + seed);
        }
    }

    private static String randomWord(Random random) {
        char[] chars = new char[random.nextInt(8)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + random.nextInt(3));
        }
        return new String(chars);
    }
}
