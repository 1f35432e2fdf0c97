package io.synack.core.config;

import com.google.common.net.InetAddresses;
import io.synack.spi.Setting;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings core itself reads, beside the engine's and each transport plugin's.
 */
public final class CoreSettings {

    /** What a transport plugin's name may look like (also checked when plugins are discovered). */
    public static final Pattern TRANSPORT_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    /**
     * The transport plugin stacks run on, by its name. Which names exist depends on the plugins on
     * the classpath, so the composition root checks the name against them once they are discovered.
     */
    public static final Setting<String> TRANSPORT = Setting.custom("synack.transport",
            "the transport plugin stacks run on", "loopback",
            "a transport name (lower-case letters, digits and '-')",
            text -> TRANSPORT_NAME.matcher(text).matches() ? text : null, String::valueOf);

    /**
     * The local IP address of a stack. A literal only: a host name would need a DNS lookup, which
     * configuration loading must never do.
     */
    public static final Setting<InetAddress> ADDRESS = Setting.custom("synack.address",
            "the local IP address of a stack", InetAddresses.forString("127.0.0.1"),
            "an IPv4 or IPv6 address literal (e.g. 127.0.0.1, 198.18.0.1, ::1)",
            InetAddresses::forString, InetAddresses::toAddrString);

    private CoreSettings() {}

    /** Every setting core declares. */
    public static List<Setting<?>> all() {
        return List.of(TRANSPORT, ADDRESS);
    }
}
