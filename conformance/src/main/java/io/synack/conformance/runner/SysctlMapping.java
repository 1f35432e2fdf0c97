package io.synack.conformance.runner;

import io.synack.core.engine.EngineSettings;
import io.synack.spi.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The documented set of shell lines the runner understands: {@code sysctl} assignments of Linux TCP
 * knobs, mapped onto engine settings (see the module README for the table). Every other shell
 * command is skipped and noted.
 */
final class SysctlMapping {

    /** A sysctl and how its value becomes a setting value. */
    private record Rule(String settingKey, Function<String, String> convert) {}

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        RULES.put("net.ipv4.tcp_timestamps", new Rule("synack.tcp.timestamps", SysctlMapping::bool));
        RULES.put("net.ipv4.tcp_sack", new Rule("synack.tcp.sack", SysctlMapping::bool));
        RULES.put("net.ipv4.tcp_window_scaling", new Rule("synack.tcp.window-scaling", SysctlMapping::bool));
        RULES.put("net.ipv4.tcp_rfc1337", new Rule("synack.tcp.rfc1337", SysctlMapping::bool));
        RULES.put("net.ipv4.tcp_fin_timeout", new Rule("synack.tcp.fin-timeout", v -> v + "s"));
        RULES.put("net.ipv4.tcp_synack_retries", new Rule("synack.tcp.synack.retries", v -> v));
        RULES.put("net.ipv4.tcp_retries1", new Rule("synack.tcp.r1", v -> v));
        RULES.put("net.ipv4.tcp_challenge_ack_limit", new Rule("synack.tcp.challenge-ack.limit", v -> v));
        RULES.put("net.ipv4.tcp_keepalive_time", new Rule("synack.tcp.keepalive.idle", v -> v + "s"));
        RULES.put("net.ipv4.tcp_keepalive_intvl", new Rule("synack.tcp.keepalive.interval", v -> v + "s"));
        RULES.put("net.ipv4.tcp_keepalive_probes", new Rule("synack.tcp.keepalive.count", v -> v));
        // Linux gives up the SYN when the N-th retransmission times out: 1 + 2 + ... + 2^N s
        RULES.put("net.ipv4.tcp_syn_retries", new Rule("synack.tcp.syn.r2", SysctlMapping::synRetries));
        RULES.put("net.ipv4.tcp_rmem", new Rule("synack.tcp.receive-buffer", SysctlMapping::middle));
        RULES.put("net.ipv4.tcp_wmem", new Rule("synack.tcp.send-buffer", SysctlMapping::middle));
    }

    /**
     * The outcome of one shell line.
     *
     * @param settings setting key to value
     * @param notes what was ignored, and why
     */
    record Mapped(Map<String, String> settings, List<String> notes) {}

    private SysctlMapping() {}

    /** The sysctl names understood, with their setting keys (for the README and help). */
    static Map<String, String> table() {
        return RULES.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().settingKey(),
                (a, b) -> a, LinkedHashMap::new));
    }

    /**
     * Maps one shell command.
     *
     * @param command the text between the backquotes
     * @param knownKeys the setting keys this engine declares
     */
    static Mapped map(String command, Set<String> knownKeys) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (String part : command.split(";|&&|\\n")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] words = p.split("\\s+");
            if (!words[0].equals("sysctl")) {
                notes.add("shell command skipped: " + p);
                continue;
            }
            // sysctl [-q] [-w] name=value ... ; "a b c" values (tcp_rmem) arrive quoted
            List<String> assignments = new ArrayList<>();
            StringBuilder current = null;
            for (int i = 1; i < words.length; i++) {
                String w = words[i];
                if (current == null && w.startsWith("-")) {
                    continue;
                }
                if (current == null) {
                    current = new StringBuilder(w);
                } else {
                    current.append(' ').append(w);
                }
                long quotes = current.chars().filter(c -> c == '"' || c == '\'').count();
                if (quotes % 2 == 0) {
                    assignments.add(current.toString());
                    current = null;
                }
            }
            for (String a : assignments) {
                int eq = a.indexOf('=');
                if (eq < 0) {
                    notes.add("sysctl read skipped: " + a);
                    continue;
                }
                String name = a.substring(0, eq).trim().replace('/', '.');
                String value = a.substring(eq + 1).trim().replaceAll("^[\"']|[\"']$", "");
                Rule rule = RULES.get(name);
                if (rule == null) {
                    notes.add("sysctl " + name + " skipped: no engine setting corresponds");
                } else if (!knownKeys.contains(rule.settingKey())) {
                    notes.add("sysctl " + name + " skipped: this engine has no " + rule.settingKey());
                } else {
                    settings.put(rule.settingKey(), rule.convert().apply(value));
                }
            }
        }
        return new Mapped(settings, notes);
    }

    /** Whether the engine declares a key. */
    static boolean declared(String key) {
        return EngineSettings.all().stream().map(Setting::key).anyMatch(key::equals);
    }

    private static String bool(String v) {
        return switch (v) {
            case "0" -> "false";
            case "1", "2" -> "true";
            default -> v;
        };
    }

    private static String synRetries(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > 30) {
                return v; // left for the setting's own validation message
            }
            return ((1L << (n + 1)) - 1) + "s";
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static String middle(String v) {
        String[] parts = v.trim().split("\\s+");
        return parts.length == 3 ? parts[1] : v;
    }
}
