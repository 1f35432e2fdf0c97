package io.synack.transport.loopback;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The faults of a whole network: a default {@link FaultPlan} for every path, and overrides for
 * paths chosen by source and/or destination address. A path is one direction between two
 * addresses, so the client-to-server and server-to-client directions are configured apart.
 * Immutable.
 *
 * <p>Text form: sections separated by {@code ;}. A section without a prefix sets the default
 * plan; a section {@code SRC>DST:items} overrides the plan of datagrams from {@code SRC} to
 * {@code DST}, where each is an IPv4 address, an IPv6 address in brackets, or {@code *} for any.
 * An override replaces the default plan on its path (it does not add to it), so a path can also be
 * made fault-free ({@code 10.0.0.1>*:none}). The first override that matches a path wins. For
 * example:
 * <pre>{@code loss=0.1,delay=5ms..50ms; 10.0.0.2>10.0.0.1:drop=1; [fd00::1]>*:dup=0.2}</pre>
 */
public final class FaultModel {

    /** No faults anywhere. */
    public static final FaultModel NONE = new FaultModel(FaultPlan.NONE, List.of());

    private static final Pattern PATH = Pattern.compile(
            "^\\s*(\\*|[0-9.]+|\\[[0-9A-Fa-f:.]+\\])\\s*>\\s*(\\*|[0-9.]+|\\[[0-9A-Fa-f:.]+\\])\\s*:(.*)$", Pattern.DOTALL);

    /**
     * A path override.
     *
     * @param source the source address, or null for any
     * @param destination the destination address, or null for any
     * @param plan the plan for datagrams from source to destination
     */
    public record PathPlan(InetAddress source, InetAddress destination, FaultPlan plan) {
        /** Checks the plan. */
        public PathPlan {
            Objects.requireNonNull(plan, "plan");
        }

        boolean matches(InetAddress from, InetAddress to) {
            return (source == null || source.equals(from)) && (destination == null || destination.equals(to));
        }

        @Override
        public String toString() {
            return format(source) + ">" + format(destination) + ":" + plan;
        }

        private static String format(InetAddress a) {
            if (a == null) {
                return "*";
            }
            return a.getAddress().length == 4 ? a.getHostAddress() : "[" + a.getHostAddress() + "]";
        }
    }

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final FaultPlan defaults;
    private final List<PathPlan> paths;

    private FaultModel(FaultPlan defaults, List<PathPlan> paths) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.paths = List.copyOf(paths);
    }

    /**
     * The same plan on every path.
     *
     * @param plan the plan
     * @return the model
     */
    public static FaultModel of(FaultPlan plan) {
        return new FaultModel(plan, List.of());
    }

    /**
     * A copy with an override for one path, checked after those already present.
     *
     * @param source the source address, or null for any
     * @param destination the destination address, or null for any
     * @param plan the plan for that path
     * @return the new model
     */
    public FaultModel withPath(InetAddress source, InetAddress destination, FaultPlan plan) {
        List<PathPlan> more = new ArrayList<>(paths);
        more.add(new PathPlan(source, destination, plan));
        return new FaultModel(defaults, more);
    }

    /** The plan of paths no override matches. */
    public FaultPlan defaults() {
        return defaults;
    }

    /** The overrides, in the order checked. */
    public List<PathPlan> paths() {
        return paths;
    }

    /**
     * The plan for datagrams from {@code source} to {@code destination}.
     *
     * @param source IP source
     * @param destination IP destination
     * @return the first matching override's plan, or the default
     */
    public FaultPlan planFor(InetAddress source, InetAddress destination) {
        for (PathPlan p : paths) {
            if (p.matches(source, destination)) {
                return p.plan();
            }
        }
        return defaults;
    }

    /** Whether no path has any fault. */
    public boolean isNone() {
        return defaults.isNone() && paths.stream().allMatch(p -> p.plan().isNone());
    }

    /**
     * Reads the text form (see the type's description).
     *
     * @param text e.g. {@code loss=0.2,dup=0.05,reorder=0.1,delay=5ms..800ms,corrupt=0.01}
     * @return the model
     * @throws IllegalArgumentException naming the bad section or item
     */
    public static FaultModel parse(String text) {
        return parse(text, FaultPlan.NONE);
    }

    /**
     * Reads the text form on top of a base plan: the default section's items change {@code base};
     * path sections replace it on their paths.
     *
     * @param text the text form
     * @param base the plan before the text's items are applied
     * @return the model
     * @throws IllegalArgumentException naming the bad section or item
     */
    public static FaultModel parse(String text, FaultPlan base) {
        List<String> pathSections = new ArrayList<>();
        FaultPlan.Builder defaults = base.toBuilder();
        for (String section : text.split(";")) {
            if (section.isBlank()) {
                continue;
            }
            if (PATH.matcher(section).matches()) {
                pathSections.add(section);
            } else if (section.indexOf('>') >= 0) {
                throw new IllegalArgumentException("fault section '" + section.trim()
                        + "' must be SRC>DST:items with SRC and DST an IPv4 address, [IPv6 address] or *");
            } else {
                defaults.apply(section);
            }
        }
        FaultPlan defaultPlan = defaults.build();
        FaultModel model = new FaultModel(defaultPlan, List.of());
        for (String section : pathSections) {
            Matcher m = PATH.matcher(section);
            m.matches();
            model = model.withPath(address(m.group(1), section), address(m.group(2), section),
                    FaultPlan.parse(m.group(3)));
        }
        return model;
    }

    private static InetAddress address(String text, String section) {
        if (text.equals("*")) {
            return null;
        }
        String literal = text.startsWith("[") ? text.substring(1, text.length() - 1) : text;
        // Only literals: InetAddress.getByName would look a name up in DNS.
        if (!text.startsWith("[") && !IPV4.matcher(literal).matches()) {
            throw new IllegalArgumentException("fault section '" + section.trim() + "': '" + text
                    + "' is not an IPv4 address");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("fault section '" + section.trim() + "': '" + text
                    + "' is not an IP address", e);
        }
    }

    /** The text form ({@link #parse} reads it back, except predicate rules). */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(defaults.toString());
        paths.forEach(p -> s.append("; ").append(p));
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultModel other && defaults.equals(other.defaults) && paths.equals(other.paths);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaults, paths);
    }
}
