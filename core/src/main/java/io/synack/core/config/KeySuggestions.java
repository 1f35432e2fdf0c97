package io.synack.core.config;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean" hints for misspelt keys: the known key closest by edit distance, if close enough
 * to be a plausible typo; otherwise a known key with the same last segment (a right name under the
 * wrong prefix, e.g. {@code synack.msl} for {@code synack.tcp.msl}).
 */
final class KeySuggestions {

    private KeySuggestions() {}

    /**
     * The candidate the user most likely meant.
     *
     * @param unknown what the user wrote
     * @param candidates the known names
     * @return the suggestion, or empty when none is plausible
     */
    static Optional<String> closest(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(unknown, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // A third of the length: "synack.tcp.mls" (2 edits) is a typo, "synack.foo" is not.
        if (best != null && bestDistance <= Math.max(2, unknown.length() / 3)) {
            return Optional.of(best);
        }
        String lastSegment = lastSegment(unknown);
        return candidates.stream().filter(c -> lastSegment(c).equals(lastSegment)).sorted().findFirst();
    }

    private static String lastSegment(String name) {
        int cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('_'));
        return name.substring(cut + 1);
    }

    /** Levenshtein distance (insert, delete, substitute), two rows. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
